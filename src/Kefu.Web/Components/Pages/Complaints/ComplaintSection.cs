using Kefu.Web.Components.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Kefu.Web.Components.Pages.Complaints;

/// <summary>
/// A part of the complaint workspace (a step record, the side actions). It writes through the use cases and then asks
/// the workspace to load the complaint again, so header, gates and timeline always show what is stored.
/// </summary>
public abstract class ComplaintSection : KefuPage
{
    [Inject]
    protected UiStore Store { get; set; } = default!;

    [Inject]
    protected IStringLocalizer<SharedResource> L { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    protected TimeProvider Clock { get; set; } = default!;

    [Inject]
    protected IOptions<ComplaintRules> Rules { get; set; } = default!;

    [Parameter, EditorRequired]
    public WorkspaceData Data { get; set; } = default!;

    /// <summary>Raised after a successful write: the workspace reloads the complaint.</summary>
    [Parameter]
    public EventCallback Changed { get; set; }

    protected bool Busy { get; private set; }

    /// <summary>The complaint changed since this form was filled (412).</summary>
    protected bool Stale { get; set; }

    /// <summary>A conflict with the complaint's state (closed, step not reached …), shown above the section.</summary>
    protected string? Problem { get; set; }

    /// <summary>Fill the step form from the store on the next load, discarding the edits (saved, or stale).</summary>
    protected bool Refill { get; set; }

    /// <summary>After a stale version: load the complaint again and fill the form from it.</summary>
    protected async Task StartAgainAsync()
    {
        Refill = true;
        Stale = false;
        Problem = null;
        await Changed.InvokeAsync();
    }

    /// <summary>
    /// Runs one write in a unit of work after re-checking <paramref name="policy"/>; on success shows
    /// <paramref name="done"/>, calls <paramref name="succeeded"/> and lets the workspace reload.
    /// </summary>
    protected async Task<bool> WriteAsync(FormErrors errors, Func<KefuDbContext, Actor, Task> work, string? done = null,
        Action? succeeded = null, string policy = KefuPolicies.ComplaintWrite)
    {
        Busy = true;
        errors.Clear();
        Problem = null;
        try
        {
            await Store.RunAsync(async (db, user, services) =>
            {
                await RequirePolicyAsync(services, user, policy);
                await work(db, CurrentActor.From(user));
                return true;
            });
            Stale = false;
            succeeded?.Invoke();
            Snackbar.Add(done ?? L["Saved"], Severity.Success, ComplaintUi.Brief);
            await Changed.InvokeAsync();
            return true;
        }
        catch (FieldValidationException e)
        {
            errors.Set(e);
        }
        catch (StaleVersionException)
        {
            Stale = true;
        }
        catch (ConflictException e)
        {
            Problem = ComplaintUi.Conflict(L, e);
        }
        catch (NotFoundException)
        {
            Problem = L["ComplaintNotFound"];
        }
        catch (ForbiddenException)
        {
            Snackbar.Add(L["AccessDenied"], Severity.Error);
        }
        finally
        {
            Busy = false;
        }

        return false;
    }

    /// <summary>A datetime-local value as a local time, null when empty; an unreadable value is a field error.</summary>
    protected static DateTime? LocalTime(string field, string? text) =>
        ComplaintUi.TryReadLocalInput(text, out var local) ? local : throw FieldValidationException.For(field, "must be a date and time");
}

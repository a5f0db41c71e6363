using System.Text.Json;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Improvements;

namespace Kefu.Web.Components.Pages.Complaints;

/// <summary>What the workspace shows: the complaint as the API sees it, the names it refers to, and what the user may do.</summary>
public sealed record WorkspaceData(
    ComplaintView View,
    string CustomerName,
    string CategoryPath,
    IReadOnlyList<PickOption> Users,
    IReadOnlyList<PickOption> Departments,
    bool CanWrite,
    bool IsSupervisor)
{
    public bool IsOpen => View.Step != ComplaintStep.Closed;

    /// <summary>The evidence files (rows only, never the bytes), newest first.</summary>
    public IReadOnlyList<ComplaintAttachment> Attachments { get; init; } = [];

    /// <summary>The return visits after closure, newest first.</summary>
    public IReadOnlyList<ReturnVisit> ReturnVisits { get; init; } = [];

    /// <summary>The improvement items raised from this complaint, newest first.</summary>
    public IReadOnlyList<ImprovementItem> Improvements { get; init; } = [];

    /// <summary>Whether the record of <paramref name="step"/> can be written now: the user may write, the case is open and has reached it.</summary>
    public bool CanRecord(ComplaintStep step) => CanWrite && IsOpen && View.Step >= step;

    public string UserName(Guid? id) => Name(Users, id);

    public string DepartmentName(Guid? id) => Name(Departments, id);

    private static string Name(IReadOnlyList<PickOption> options, Guid? id) =>
        id is null ? "" : options.FirstOrDefault(o => o.Id == id)?.Name ?? id.Value.ToString();
}

/// <summary>
/// The form of one step record: the user's edits, the complaint version they rest on, and a snapshot of the stored
/// record they started from. Another change of the complaint (an inquiry sent, a different record saved) renews the
/// version; an untouched form is refilled, and a form with edits keeps them and moves to the new version only when its
/// own record is unchanged — so a concurrent edit of the same record still ends in the stale-version message.
/// </summary>
public sealed class StepForm<TModel>
    where TModel : class
{
    private readonly string pristine;

    private StepForm(TModel model, Guid version, string baseline)
    {
        Model = model;
        Version = version;
        Baseline = baseline;
        pristine = Snapshot(model);
    }

    public TModel Model { get; }

    public Guid Version { get; private set; }

    public string Baseline { get; }

    public bool Dirty => !string.Equals(Snapshot(Model), pristine, StringComparison.Ordinal);

    /// <param name="form">The form shown so far, if any.</param>
    /// <param name="stored">The step record as now stored.</param>
    /// <param name="version">The complaint's current version.</param>
    /// <param name="fill">Builds the form from the stored record.</param>
    /// <param name="refill">Discard the edits (after they were saved, or to start again after a stale version).</param>
    public static StepForm<TModel> Sync<TRecord>(StepForm<TModel>? form, TRecord stored, Guid version, Func<TModel> fill, bool refill)
    {
        var baseline = Snapshot(stored);
        if (form is null || refill || !form.Dirty)
        {
            return new StepForm<TModel>(fill(), version, baseline);
        }

        if (string.Equals(form.Baseline, baseline, StringComparison.Ordinal))
        {
            form.Version = version;
        }

        return form;
    }

    private static string Snapshot<T>(T value) => JsonSerializer.Serialize(value);
}

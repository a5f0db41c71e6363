namespace Kefu.Web.Components.Pages.Calls;

/// <summary>
/// Turns a burst of live call-center signals (a transcript streaming in, a busy queue) into one refresh per
/// <c>delay</c>, so a page does not reload once per event. Signals arrive on any thread; the refresh runs through
/// <c>invoke</c> (the component's dispatcher).
/// </summary>
internal sealed class CoalescedRefresh(Func<Func<Task>, Task> invoke, Func<Task> refresh, TimeSpan delay, TimeProvider clock, CancellationToken cancellation)
{
    private int scheduled;

    /// <summary>Asks for a refresh; one already waiting to run covers this request too.</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref scheduled, 1) == 1)
        {
            return;
        }

        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.Delay(delay, clock, cancellation);
            Interlocked.Exchange(ref scheduled, 0);
            await invoke(refresh);
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
        catch (ObjectDisposedException)
        {
            // The circuit closed meanwhile.
        }
    }
}

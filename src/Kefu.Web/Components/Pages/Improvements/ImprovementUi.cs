using Kefu.Web.Features.Improvements;
using MudBlazor;

namespace Kefu.Web.Components.Pages.Improvements;

/// <summary>How the pages show an improvement item's status.</summary>
public static class ImprovementUi
{
    public static Color StatusColor(ImprovementStatus status) => status switch
    {
        ImprovementStatus.Open => Color.Warning,
        ImprovementStatus.InProgress => Color.Info,
        ImprovementStatus.Done => Color.Success,
        _ => Color.Default,
    };

    public static bool IsFinished(ImprovementStatus status) => status is ImprovementStatus.Done or ImprovementStatus.Rejected;
}

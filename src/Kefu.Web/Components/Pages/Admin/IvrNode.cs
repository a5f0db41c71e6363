using Kefu.Web.Features.Calls;

namespace Kefu.Web.Components.Pages.Admin;

/// <summary>An IVR option being edited: mutable, turned into the <see cref="IvrOption"/> records the API stores on save.</summary>
public sealed class IvrNode
{
    public string? Digit { get; set; }
    public string? Label { get; set; }
    public string? Prompt { get; set; }

    /// <summary>The queue of a leaf; ignored while the option has a sub-menu.</summary>
    public string? Queue { get; set; }

    public List<IvrNode> Children { get; } = [];

    public static List<IvrNode> From(IEnumerable<IvrOption> options) => options.Select(From).ToList();

    public static IvrNode From(IvrOption option)
    {
        ArgumentNullException.ThrowIfNull(option);
        var node = new IvrNode { Digit = option.Digit, Label = option.Label, Prompt = option.Prompt, Queue = option.Queue };
        node.Children.AddRange((option.Options ?? []).Select(From));
        return node;
    }

    public static List<IvrOption> ToOptions(IEnumerable<IvrNode> nodes) => nodes.Select(n => n.ToOption()).ToList();

    public IvrOption ToOption() => new(
        (Digit ?? "").Trim(),
        (Label ?? "").Trim(),
        string.IsNullOrWhiteSpace(Prompt) ? null : Prompt.Trim(),
        Children.Count == 0 ? Queue : null,
        Children.Count == 0 ? null : ToOptions(Children));
}

/// <summary>A queue an IVR leaf can route to.</summary>
public sealed record IvrQueueChoice(string Id, string Name);

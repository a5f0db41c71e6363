using MudBlazor;

namespace Kefu.Web.Components.Layout;

/// <summary>The UI theme; fonts fall back to the machine's CJK fonts (no web fonts are fetched).</summary>
public static class KefuTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1565c0", Secondary = "#00897b", AppbarBackground = "#1565c0" },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", "sans-serif"] },
        },
    };
}

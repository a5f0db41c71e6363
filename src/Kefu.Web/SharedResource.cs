namespace Kefu.Web;

/// <summary>Marker type for the UI strings in Resources/SharedResource*.resx (neutral = zh-CN, .en = English).</summary>
public sealed class SharedResource;

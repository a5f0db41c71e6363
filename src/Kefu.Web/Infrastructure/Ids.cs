namespace Kefu.Web.Infrastructure;

/// <summary>The one place ids come from: time-ordered v7 GUIDs, so new rows append to indexes on both stores.</summary>
public static class Ids
{
    public static Guid New() => Guid.CreateVersion7();
}

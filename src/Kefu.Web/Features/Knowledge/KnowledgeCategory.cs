using Kefu.Web.Data;

namespace Kefu.Web.Features.Knowledge;

/// <summary>A knowledge-base category (退款, 物流, 服务规范 …): a small tree, one level of children is enough in practice.</summary>
public sealed class KnowledgeCategory : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public Guid? ParentId { get; set; }
    public int SortOrder { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One row whose <see cref="Stamp"/> is renewed in the same save as every change to articles or categories. Each app
/// instance keeps its search index in memory and compares this stamp before searching, so several instances on one
/// database rebuild their index when any of them (or a migration, or an import) changed the knowledge base.
/// </summary>
public sealed class KnowledgeRevision : INotAudited
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public Guid Stamp { get; set; }
}

namespace Kefu.Web.Infrastructure;

/// <summary>A page of a list: <c>items</c> plus the <c>total</c> count matching the filter.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);

/// <summary>Paging parameters shared by list endpoints: <c>page</c> is 1-based, <c>pageSize</c> at most 200.</summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    public const int MaxPageSize = 200;

    public int Skip => (Page - 1) * PageSize;

    public static PageRequest From(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (page is < 1)
        {
            errors["page"] = ["must be 1 or greater"];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"must be between 1 and {MaxPageSize}"];
        }

        if (errors.Count > 0)
        {
            throw new FieldValidationException(errors);
        }

        return new PageRequest(page ?? 1, pageSize ?? 20);
    }
}

using System.Security.Claims;

namespace Kefu.Web.Features.Customers;

/// <summary>A customer as the API returns it. Phone numbers are masked for roles that do not need them.</summary>
public sealed record CustomerView(
    Guid Id,
    string Name,
    string? Phone,
    IReadOnlyList<string> OtherPhones,
    bool PhonesMasked,
    string? Email,
    string? Note,
    IReadOnlyList<OrderView> Orders,
    Guid Version,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static CustomerView From(Customer c, ClaimsPrincipal viewer)
    {
        var full = PhoneNumbers.CanSeeFull(viewer);
        string Show(string n) => full ? n : PhoneNumbers.Mask(n);
        var ordered = c.Phones.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Number, StringComparer.Ordinal).ToList();
        return new CustomerView(
            c.Id,
            c.Name,
            ordered.Count > 0 ? Show(ordered[0].Number) : null,
            ordered.Skip(1).Select(p => Show(p.Number)).ToList(),
            !full,
            c.Email,
            c.Note,
            c.Orders.OrderByDescending(o => o.PlacedAt).Select(OrderView.From).ToList(),
            c.Version,
            c.CreatedAt,
            c.UpdatedAt);
    }
}

public sealed record OrderView(Guid Id, string Number, decimal Amount, string Currency, DateTime PlacedAt)
{
    public static OrderView From(CustomerOrder o) => new(o.Id, o.Number, o.Amount, o.Currency, o.PlacedAt);
}

public sealed record ContactView(Guid Id, DateTime At, ContactChannel Channel, ContactDirection Direction, string Summary, string? AgentName, string? Reference)
{
    public static ContactView From(ContactRecord c) => new(c.Id, c.At, c.Channel, c.Direction, c.Summary, c.AgentName, c.Reference);
}

/// <summary>A row of a customer search result.</summary>
public sealed record CustomerSummary(Guid Id, string Name, string? Phone, string? Email, int OrderCount, DateTime UpdatedAt);

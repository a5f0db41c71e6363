using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Customers;

/// <summary>Finds customers by phone number, name or order number — what an agent has at hand when a customer calls.</summary>
public static class SearchCustomers
{
    public static async Task<Page<CustomerSummary>> RunAsync(KefuDbContext db, string? query, PageRequest page, ClaimsPrincipal viewer, CancellationToken cancellationToken)
    {
        var customers = db.Customers.AsNoTracking();
        var text = query?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            if (text.Length > 100)
            {
                throw FieldValidationException.For("query", "must be at most 100 characters");
            }

            var lowered = text.ToLowerInvariant();
            var orderNumber = text.ToUpperInvariant();
            var digits = PhoneNumbers.Normalize(text).TrimStart('+');
            var isPhoneLike = digits.Length >= 4 && PhoneNumbers.IsValid(text);
            customers = customers.Where(c =>
                c.Name.ToLower().Contains(lowered)
                || (c.Email != null && c.Email.ToLower().Contains(lowered))
                || c.Orders.Any(o => o.Number.Contains(orderNumber))
                || (isPhoneLike && c.Phones.Any(p => p.Number.Contains(digits))));
        }

        var total = await customers.CountAsync(cancellationToken);
        var rows = await customers
            .OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Skip(page.Skip).Take(page.PageSize)
            .Select(c => new
            {
                c.Id,
                c.Name,
                Phone = c.Phones.OrderByDescending(p => p.IsPrimary).Select(p => p.Number).FirstOrDefault(),
                c.Email,
                OrderCount = c.Orders.Count,
                c.UpdatedAt,
            })
            .ToListAsync(cancellationToken);

        var items = rows.Select(r => new CustomerSummary(r.Id, r.Name, r.Phone is null ? null : PhoneNumbers.ForViewer(r.Phone, viewer), r.Email, r.OrderCount, r.UpdatedAt)).ToList();
        return new Page<CustomerSummary>(items, total, page.Page, page.PageSize);
    }
}

using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Customers;

/// <summary>The CRM's customers: search, create, read, update (If-Match), orders and contact history.</summary>
public static class CustomersApi
{
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/customers").WithTags("Customers").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", Search).WithName("SearchCustomers")
            .WithSummary("Search customers by phone number, name, e-mail or order number; paged (page, pageSize).")
            .ProducesValidationProblem();
        group.MapPost("/", Create).RequireAuthorization(KefuPolicies.CustomerWrite).WithName("CreateCustomer")
            .WithSummary("Create a customer. ID numbers, full bank-card numbers and passwords are refused in name/phone/email and masked in note.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", Get).WithName("GetCustomer").WithSummary("A customer with phones and orders; the ETag header carries its version.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", Update).RequireAuthorization(KefuPolicies.CustomerWrite).WithName("UpdateCustomer")
            .WithSummary("Replace a customer's editable fields. Requires If-Match with the ETag read before; a stale one gets 412.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPost("/{id:guid}/orders", AddOrder).RequireAuthorization(KefuPolicies.CustomerWrite).WithName("AddCustomerOrder")
            .WithSummary("Add an order (number, amount, currency, placedAt) to a customer.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/contacts", Contacts).WithName("ListCustomerContacts").WithSummary("The customer's contact history, newest first; paged.");
        group.MapPost("/{id:guid}/contacts", AddContact).RequireAuthorization(KefuPolicies.CustomerWrite).WithName("RecordCustomerContact")
            .WithSummary("Record a contact with the customer; the summary is stored with personal data masked.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<Ok<Page<CustomerSummary>>> Search(string? query, int? page, int? pageSize, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SearchCustomers.RunAsync(db, query, PageRequest.From(page, pageSize), user, cancellationToken));

    internal static async Task<Created<CustomerView>> Create(CustomerInput input, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var customer = await CustomerCommands.CreateAsync(db, input, cancellationToken);
        return TypedResults.Created($"/api/v1/customers/{customer.Id}", CustomerView.From(customer, user));
    }

    internal static async Task<Ok<CustomerView>> Get(Guid id, ClaimsPrincipal user, KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var customer = await CustomerCommands.LoadAsync(db, id, cancellationToken);
        response.Headers.ETag = ETags.Format(customer.Version);
        return TypedResults.Ok(CustomerView.From(customer, user));
    }

    internal static async Task<Ok<CustomerView>> Update(Guid id, CustomerInput input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var expected = ETags.RequireIfMatch(request);
        var customer = await CustomerCommands.UpdateAsync(db, id, expected, input, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(customer.Version);
        return TypedResults.Ok(CustomerView.From(customer, user));
    }

    internal static async Task<Created<OrderView>> AddOrder(Guid id, CustomerCommands.OrderInput input, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var order = await CustomerCommands.AddOrderAsync(db, id, input, clock, cancellationToken);
        return TypedResults.Created($"/api/v1/customers/{id}", OrderView.From(order));
    }

    internal static async Task<Ok<Page<ContactView>>> Contacts(Guid id, int? page, int? pageSize, KefuDbContext db, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        if (!await db.Customers.AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException("Customer", id);
        }

        var contacts = db.ContactRecords.AsNoTracking().Where(c => c.CustomerId == id);
        var total = await contacts.CountAsync(cancellationToken);
        var items = await contacts.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<ContactView>(items.Select(ContactView.From).ToList(), total, paging.Page, paging.PageSize));
    }

    internal static async Task<Created<ContactView>> AddContact(Guid id, CustomerCommands.ContactInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var record = await CustomerCommands.RecordContactAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Created($"/api/v1/customers/{id}/contacts", ContactView.From(record));
    }
}

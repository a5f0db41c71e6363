using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Customers;

/// <summary>The customer use cases, shared by the API and the Blazor pages so that both enforce the same rules.</summary>
public static class CustomerCommands
{
    public static async Task<Customer> CreateAsync(KefuDbContext db, CustomerInput input, CancellationToken cancellationToken)
    {
        var phones = input.Validate();
        var customer = new Customer { Id = Ids.New(), Name = input.Name!.Trim(), Email = Clean(input.Email) };
        customer.SetPhones(phones ?? []);
        customer.SetNote(input.Note);
        db.Customers.Add(customer);
        await db.SaveChangesAsync(cancellationToken);
        return customer;
    }

    /// <summary>Applies <paramref name="input"/> if <paramref name="expectedVersion"/> is still current, else 412.</summary>
    public static async Task<Customer> UpdateAsync(KefuDbContext db, Guid id, Guid expectedVersion, CustomerInput input, CancellationToken cancellationToken)
    {
        var phones = input.Validate();
        var customer = await LoadAsync(db, id, cancellationToken);
        if (customer.Version != expectedVersion)
        {
            throw new StaleVersionException("Customer", customer.Version);
        }

        // The store re-checks the version in the UPDATE itself, so a write racing between our read and save also fails.
        db.Entry(customer).Property(c => c.Version).OriginalValue = expectedVersion;
        customer.Name = input.Name!.Trim();
        customer.Email = Clean(input.Email);
        if (phones is not null)
        {
            customer.SetPhones(phones);
        }

        customer.SetNote(input.Note);
        db.Entry(customer).State = EntityState.Modified;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => c.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Customer", current);
        }

        return customer;
    }

    public static async Task<Customer> LoadAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken) =>
        await db.Customers.Include(c => c.Phones).Include(c => c.Orders).AsSplitQuery()
            .SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
        ?? throw new NotFoundException("Customer", id);

    /// <summary>An order to add: <c>number</c> (unique), <c>amount</c> ≥ 0, ISO <c>currency</c> (default CNY), <c>placedAt</c>.</summary>
    public sealed record OrderInput(string? Number, decimal? Amount, string? Currency, DateTime? PlacedAt);

    public static async Task<CustomerOrder> AddOrderAsync(KefuDbContext db, Guid customerId, OrderInput input, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("number", input.Number, 40).NoPii("number", input.Number);
        if (input.Amount is null)
        {
            errors.Add("amount", "is required");
        }
        else if (input.Amount < 0 || input.Amount > 100_000_000m)
        {
            errors.Add("amount", "must be between 0 and 100000000");
        }

        var currency = string.IsNullOrWhiteSpace(input.Currency) ? "CNY" : input.Currency.Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            errors.Add("currency", "must be a three-letter ISO 4217 code such as CNY");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (input.PlacedAt is { } placed && placed.ToUniversalTime() > now.AddDays(1))
        {
            errors.Add("placedAt", "must not be in the future");
        }

        errors.ThrowIfAny();
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, cancellationToken))
        {
            throw new NotFoundException("Customer", customerId);
        }

        var number = input.Number!.Trim().ToUpperInvariant();
        if (await db.CustomerOrders.AnyAsync(o => o.Number == number, cancellationToken))
        {
            throw FieldValidationException.For("number", "must be unique: an order with this number already exists");
        }

        var order = new CustomerOrder
        {
            Id = Ids.New(),
            CustomerId = customerId,
            Number = number,
            Amount = decimal.Round(input.Amount!.Value, 2),
            Currency = currency,
            PlacedAt = input.PlacedAt?.ToUniversalTime() ?? now,
        };
        db.CustomerOrders.Add(order);
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    /// <summary>A contact to record in the customer's history; the summary is stored with personal data masked.</summary>
    public sealed record ContactInput(ContactChannel? Channel, ContactDirection? Direction, string? Summary, string? Reference, DateTime? At);

    public static async Task<ContactRecord> RecordContactAsync(KefuDbContext db, Guid customerId, ContactInput input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("summary", input.Summary, 4000).MaxLength("reference", input.Reference, 100);
        if (input.Channel is null || !Enum.IsDefined(input.Channel.Value))
        {
            errors.Add("channel", "is required: one of " + string.Join(", ", Enum.GetNames<ContactChannel>()));
        }

        if (input.Direction is { } d && !Enum.IsDefined(d))
        {
            errors.Add("direction", "must be Inbound or Outbound");
        }

        errors.ThrowIfAny();
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, cancellationToken))
        {
            throw new NotFoundException("Customer", customerId);
        }

        var record = new ContactRecord
        {
            Id = Ids.New(),
            CustomerId = customerId,
            At = input.At?.ToUniversalTime() ?? clock.GetUtcNow().UtcDateTime,
            Channel = input.Channel!.Value,
            Direction = input.Direction ?? ContactDirection.Inbound,
            Summary = PiiDetector.Mask(input.Summary!.Trim()),
            AgentId = actor.Id,
            AgentName = actor.DisplayName ?? actor.Name,
            Reference = input.Reference?.Trim(),
        };
        db.ContactRecords.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

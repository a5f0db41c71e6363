using Kefu.Web.Data;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Customers;

/// <summary>A customer of the business, as the CRM knows them: name, phones, e-mail, orders and every contact.</summary>
public sealed class Customer : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }

    /// <summary>Free-text note; ID numbers, card numbers and passwords are masked before it is stored.</summary>
    public string? Note { get; set; }

    public List<CustomerPhone> Phones { get; set; } = [];
    public List<CustomerOrder> Orders { get; set; } = [];
    public List<ContactRecord> Contacts { get; set; } = [];
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public string? PrimaryPhone => Phones.FirstOrDefault(p => p.IsPrimary)?.Number ?? Phones.FirstOrDefault()?.Number;

    /// <summary>Replaces the phone list: the first number becomes the primary one. Numbers must already be normalized.</summary>
    public void SetPhones(IReadOnlyList<string> normalizedNumbers)
    {
        var wanted = normalizedNumbers.Distinct(StringComparer.Ordinal).ToList();
        Phones.RemoveAll(p => !wanted.Contains(p.Number, StringComparer.Ordinal));
        for (var i = 0; i < wanted.Count; i++)
        {
            var phone = Phones.Find(p => p.Number == wanted[i]);
            if (phone is null)
            {
                phone = new CustomerPhone { Id = Ids.New(), CustomerId = Id, Number = wanted[i] };
                Phones.Add(phone);
            }

            phone.IsPrimary = i == 0;
        }
    }

    /// <summary>Stores a note with personal data masked (seed 003 §3.1).</summary>
    public void SetNote(string? note) => Note = string.IsNullOrWhiteSpace(note) ? null : PiiDetector.Mask(note.Trim());
}

public sealed class CustomerPhone
{
    public Guid Id { get; set; }
    public Guid CustomerId { get; set; }

    /// <summary>Normalized: digits only, with a leading '+' when an international prefix was given.</summary>
    public required string Number { get; set; }

    public bool IsPrimary { get; set; }
}

/// <summary>An order of the customer; its number and amount are what identity verification asks for (seed 003 §3.1).</summary>
public sealed class CustomerOrder
{
    public Guid Id { get; set; }
    public Guid CustomerId { get; set; }
    public required string Number { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "CNY";
    public DateTime PlacedAt { get; set; }
}

/// <summary>One contact with the customer (a call, an e-mail, a visit …), newest first in the customer's history.</summary>
public sealed class ContactRecord
{
    public Guid Id { get; set; }
    public Guid CustomerId { get; set; }
    public DateTime At { get; set; }
    public ContactChannel Channel { get; set; }
    public ContactDirection Direction { get; set; }

    /// <summary>An objective note of what happened ("客户表示对物流延迟不满"), stored with personal data masked.</summary>
    public required string Summary { get; set; }

    public Guid? AgentId { get; set; }
    public string? AgentName { get; set; }

    /// <summary>What the contact belongs to, e.g. "call:…" or "complaint:KF-…", set by the feature that records it.</summary>
    public string? Reference { get; set; }
}

public enum ContactChannel
{
    Phone = 1,
    Email = 2,
    Web = 3,
    Chat = 4,
    InPerson = 5,
    Sms = 6,
    App = 7,
}

public enum ContactDirection
{
    Inbound = 1,
    Outbound = 2,
}

using Kefu.Web.Features.Customers;
using Kefu.Web.Infrastructure;

namespace Kefu.UnitTests.Customers;

public sealed class CustomerTests
{
    [Fact]
    public void SetPhones_MakesTheFirstNumberPrimary_AndDropsNumbersNoLongerListed()
    {
        var customer = new Customer { Id = Guid.NewGuid(), Name = "张伟" };
        customer.SetPhones(["13812345678", "13900000000"]);

        customer.SetPhones(["13900000000", "13700000000"]);

        Assert.Equal(["13700000000", "13900000000"], customer.Phones.Select(p => p.Number).Order(StringComparer.Ordinal));
        Assert.Equal("13900000000", customer.PrimaryPhone);
        Assert.Single(customer.Phones, p => p.IsPrimary);
    }

    [Fact]
    public void Validate_ReportsEveryBrokenFieldAtOnce()
    {
        var input = new CustomerInput(Name: "", Phone: "12", Email: "nope", Note: new string('x', 4001));

        var error = Assert.Throws<FieldValidationException>(() => input.Validate());

        Assert.Equal(["email", "name", "note", "phone"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_ReturnsNormalizedPhones_PrimaryFirst()
    {
        var input = new CustomerInput("李娜", "139 8765 4321", "lina@example.com", null, ["010-1234 5678"]);

        var phones = input.Validate();

        Assert.Equal(["13987654321", "01012345678"], phones);
    }

    [Fact]
    public void Validate_OtherPhonesWithoutPrimary_IsRefused()
    {
        var input = new CustomerInput("王芳", null, null, null, ["13800000000"]);

        var error = Assert.Throws<FieldValidationException>(() => input.Validate());

        Assert.Contains("phone", error.Errors.Keys);
    }
}

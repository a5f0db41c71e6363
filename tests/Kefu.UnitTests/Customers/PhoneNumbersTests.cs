using System.Security.Claims;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;

namespace Kefu.UnitTests.Customers;

public sealed class PhoneNumbersTests
{
    [Theory]
    [InlineData("138 1234 5678", "13812345678")]
    [InlineData("138-1234-5678", "13812345678")]
    [InlineData("+86 138 1234 5678", "+8613812345678")]
    [InlineData("(010) 1234-5678", "01012345678")]
    [InlineData("１３８１２３４５６７８", "13812345678")]
    public void Normalize_DropsSeparatorsAndFoldsFullWidthDigits(string raw, string expected) =>
        Assert.Equal(expected, PhoneNumbers.Normalize(raw));

    [Theory]
    [InlineData("13812345678", true)]
    [InlineData("010-12345678", true)]
    [InlineData("+86 138 1234 5678", true)]
    [InlineData("1234", false)]
    [InlineData("138abc45678", false)]
    [InlineData("", false)]
    public void IsValid_AcceptsPhoneShapesOnly(string raw, bool valid) =>
        Assert.Equal(valid, PhoneNumbers.IsValid(raw));

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+8613812345678", "+861******5678")]
    [InlineData("01012345678", "010****5678")]
    [InlineData("95588", "***88")]
    public void Mask_KeepsFirstThreeAndLastFourDigits(string number, string expected) =>
        Assert.Equal(expected, PhoneNumbers.Mask(number));

    [Theory]
    [InlineData(KefuRoles.Agent, true)]
    [InlineData(KefuRoles.Supervisor, true)]
    [InlineData(KefuRoles.QA, false)]
    [InlineData(KefuRoles.Admin, false)]
    public void ForViewer_ShowsTheFullNumberOnlyToRolesThatCallCustomers(string role, bool full)
    {
        var viewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], "test"));

        var shown = PhoneNumbers.ForViewer("13812345678", viewer);

        Assert.Equal(full ? "13812345678" : "138****5678", shown);
    }
}

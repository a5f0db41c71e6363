using Kefu.Web.Features.Complaints;

namespace Kefu.UnitTests.Complaints;

public sealed class ComplaintGatesTests
{
    private static readonly ComplaintRules Rules = new() { ApprovalThreshold = 500m };

    private static Complaint At(ComplaintStep step) => new() { Id = Guid.NewGuid(), Number = "TS-1", Summary = "x", Step = step };

    [Fact]
    public void PlanAboveThreshold_NeedsApproval_BelowDoesNot()
    {
        var complaint = At(ComplaintStep.Plan);
        complaint.PlanKind = PlanKind.Compensation;
        complaint.PlanAmount = 500.01m;
        Assert.True(complaint.PlanNeedsApproval(Rules));

        complaint.PlanAmount = 500m;
        Assert.False(complaint.PlanNeedsApproval(Rules));

        complaint.PlanKind = PlanKind.Coupon;
        complaint.PlanAmount = 5000m;
        Assert.False(complaint.PlanNeedsApproval(Rules));
    }

    [Theory]
    [InlineData(PlanKind.ExplanationOnly, "explained-on-call")]
    [InlineData(PlanKind.OfflineWork, "customer-confirmed-done")]
    [InlineData(PlanKind.Refund, "payment-received")]
    [InlineData(PlanKind.Compensation, "payment-received")]
    [InlineData(PlanKind.Coupon, "customer-confirmed-done")]
    [InlineData(PlanKind.CompensatoryCare, "customer-confirmed-done")]
    public void ClosureGate_FollowsTheKindOfPlan(PlanKind kind, string gate)
    {
        var complaint = At(ComplaintStep.Execution);
        complaint.PlanKind = kind;

        Assert.Equal([gate], ComplaintGates.Unmet(complaint, Rules));
    }

    [Theory]
    [InlineData(ComplaintSeverity.High, false, false, true)]
    [InlineData(ComplaintSeverity.Critical, false, false, true)]
    [InlineData(ComplaintSeverity.Medium, true, false, true)]
    [InlineData(ComplaintSeverity.Low, false, true, true)]
    [InlineData(ComplaintSeverity.Medium, false, false, false)]
    public void ReviewGate_IsRequiredOnlyForSpecialComplaints(ComplaintSeverity severity, bool escalated, bool repeat, bool required)
    {
        var complaint = At(ComplaintStep.Review);
        complaint.Severity = severity;
        complaint.IsEscalated = escalated;
        complaint.IsRepeat = repeat;

        Assert.Equal(required, ComplaintGates.Unmet(complaint, Rules).Contains("review-written"));
    }

    [Fact]
    public void PartiesGate_NeedsEveryInquiredDepartmentsNoObjection()
    {
        var complaint = At(ComplaintStep.FactFinding);
        complaint.Inquiries.Add(new InternalInquiry { Id = Guid.NewGuid(), KeyFacts = "a", NoObjectionAt = DateTime.UtcNow });
        complaint.Inquiries.Add(new InternalInquiry { Id = Guid.NewGuid(), KeyFacts = "b" });

        Assert.Contains("parties-no-objection", ComplaintGates.Unmet(complaint, Rules));
        complaint.Inquiries[1].NoObjectionAt = DateTime.UtcNow;
        Assert.DoesNotContain("parties-no-objection", ComplaintGates.Unmet(complaint, Rules));
    }

    [Fact]
    public void Next_WalksTheSixStepsThenCloses()
    {
        var steps = new List<ComplaintStep> { ComplaintStep.PreAssessment };
        while (steps[^1] != ComplaintStep.Closed)
        {
            steps.Add(ComplaintGates.Next(steps[^1]));
        }

        Assert.Equal(7, steps.Count);
        Assert.Throws<InvalidOperationException>(() => ComplaintGates.Next(ComplaintStep.Closed));
    }
}

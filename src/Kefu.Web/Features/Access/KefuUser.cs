using Kefu.Web.Features.Departments;
using Microsoft.AspNetCore.Identity;

namespace Kefu.Web.Features.Access;

/// <summary>A staff member who signs in: agent, supervisor, QA reviewer or administrator.</summary>
public sealed class KefuUser : IdentityUser<Guid>
{
    /// <summary>Name shown to colleagues and, with the work number, to customers ("我是客服[姓名/工号]").</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>工号: the work number an agent gives the customer, e.g. on a transfer.</summary>
    public string? WorkNumber { get; set; }

    public Guid? DepartmentId { get; set; }
    public Department? Department { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}

/// <summary>The four roles of a service center.</summary>
public static class KefuRoles
{
    /// <summary>坐席: answers calls and handles complaints.</summary>
    public const string Agent = "Agent";

    /// <summary>班组长/主管: leads a team, approves, sees everything of the team.</summary>
    public const string Supervisor = "Supervisor";

    /// <summary>质检: reviews calls and scripts.</summary>
    public const string QA = "QA";

    /// <summary>管理员: configures the system, users and departments.</summary>
    public const string Admin = "Admin";

    /// <summary>电话系统: the account a PBX adapter uses to post CTI events and read commands; not staff, no UI.</summary>
    public const string Telephony = "Telephony";

    /// <summary>The staff roles (people who sign in to the UI).</summary>
    public static readonly IReadOnlyList<string> All = [Agent, Supervisor, QA, Admin];

    /// <summary>Every role an administrator can give an account: the staff roles and <see cref="Telephony"/>.</summary>
    public static readonly IReadOnlyList<string> Assignable = [.. All, Telephony];

    /// <summary>Roles whose work needs a customer's full phone number (to call back); others see it masked.</summary>
    public static readonly IReadOnlyList<string> SeeFullPhone = [Agent, Supervisor];
}

/// <summary>Authorization policy names; endpoint groups and pages use these, never role strings directly.</summary>
public static class KefuPolicies
{
    public const string Staff = "Staff";
    public const string Admin = "AdminOnly";
    public const string SupervisorOrAdmin = "SupervisorOrAdmin";
    public const string CustomerWrite = "CustomerWrite";
    public const string ComplaintWrite = "ComplaintWrite";
    public const string Supervisor = "SupervisorOnly";
    public const string AuditRead = "AuditRead";

    /// <summary>Posting CTI events and reading PBX commands: the Telephony account, or an Admin.</summary>
    public const string CtiWrite = "CtiWrite";

    /// <summary>Editing script rules and QA work: QA staff, or an Admin.</summary>
    public const string QualityWrite = "QualityWrite";

    /// <summary>KPIs, dashboards and reports: Supervisors, QA staff and Admins.</summary>
    public const string Insights = "Insights";

    /// <summary>Coaching agents and running training: QA staff, Supervisors, or an Admin.</summary>
    public const string QualityLead = "QualityLead";

    /// <summary>Reading satisfaction survey results: Supervisors, QA staff and Admins.</summary>
    public const string SurveyRead = "SurveyRead";
}

using System.Globalization;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Kefu.Web.Components.Pages.Calls;

/// <summary>How the call-center pages name states and outcomes, format durations, and the scripts of seed 003 they show.</summary>
public static partial class CallUi
{
    /// <summary>SPEC §2: answered within 3 rings, target ≥ 95 %.</summary>
    public const double ServiceLevelTarget = 0.95;

    /// <summary>SPEC §2: a caller asking for an agent reaches one within 15 s, target ≥ 90 %.</summary>
    public const double ConnectionRateTarget = 0.90;

    /// <summary>Success messages on the desktop are brief: an agent saves many times a shift.</summary>
    public static void Brief(SnackbarOptions options) => options.VisibleStateDuration = 2000;

    /// <summary>The state an agent can choose on the desktop; Ringing and OnCall follow the calls, WrapUp the hang-up.</summary>
    public static readonly IReadOnlyList<AgentState> Selectable = [AgentState.Idle, AgentState.Break, AgentState.Offline];

    /// <summary>离线 / 空闲 / 振铃 / 通话中 / 话后处理 / 小休, or the English names.</summary>
    public static string State(IStringLocalizer<SharedResource> l, AgentState state) => Or(l["AgentState_" + AgentStates.ToApi(state)], AgentStates.ChineseLabel(state));

    public static string State(IStringLocalizer<SharedResource> l, string apiState) =>
        AgentStates.FromApi(apiState) is { } state ? State(l, state) : apiState;

    public static Color StateColor(AgentState state) => state switch
    {
        AgentState.Idle => Color.Success,
        AgentState.Ringing => Color.Warning,
        AgentState.Talking => Color.Primary,
        AgentState.WrapUp => Color.Info,
        AgentState.Break => Color.Secondary,
        _ => Color.Default,
    };

    public static Color StateColor(string apiState) => AgentStates.FromApi(apiState) is { } state ? StateColor(state) : Color.Default;

    public static string Status(IStringLocalizer<SharedResource> l, CallStatus status) => Or(l["CallStatus_" + status], status.ToString());

    public static string Outcome(IStringLocalizer<SharedResource> l, CallOutcome? outcome) =>
        outcome is { } o ? Or(l["CallOutcome_" + o], o.ToString()) : l["CallOutcome_Open"];

    public static Color OutcomeColor(CallOutcome? outcome) => outcome switch
    {
        CallOutcome.Answered => Color.Success,
        CallOutcome.Abandoned => Color.Error,
        CallOutcome.CallbackRequested or CallOutcome.AfterHours => Color.Warning,
        null => Color.Primary,
        _ => Color.Default,
    };

    public static string Identity(IStringLocalizer<SharedResource> l, IdentityCheckResult? result) =>
        result is { } r ? Or(l["Identity_" + r], r.ToString()) : l["Identity_None"];

    /// <summary>Seconds as "m:ss" (or "h:mm:ss"); a dash when unknown.</summary>
    public static string Duration(int? seconds)
    {
        if (seconds is not { } s)
        {
            return "—";
        }

        var span = TimeSpan.FromSeconds(Math.Max(0, s));
        return span.TotalHours >= 1
            ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>A stored UTC time in China time to the second (call timestamps are seconds apart).</summary>
    public static string Time(DateTime? utc) =>
        utc is { } value
            ? Features.Complaints.ComplaintTime.ToChina(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime())
                .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "—";

    /// <summary>A rate 0–1 as "96.5 %"; a dash when there is nothing to divide by.</summary>
    public static string Percent(double? rate) =>
        rate is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";

    /// <summary>
    /// The call-center rules (Features/Calls) in the UI language. The use cases phrase them in English for API clients;
    /// <see cref="Shared.FormErrors"/> knows the shared ones, these are the call center's own. Unknown rules stay as they are.
    /// </summary>
    public static FieldValidationException Localize(FieldValidationException exception, IStringLocalizer<SharedResource> l)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(l);
        var errors = exception.Errors.ToDictionary(e => e.Key, e => e.Value.Select(rule => Rule(rule, l)).ToArray(), StringComparer.Ordinal);
        return new FieldValidationException(errors);
    }

    private static string Rule(string rule, IStringLocalizer<SharedResource> l)
    {
        var (key, arguments) = RuleKey(rule);
        if (key is null)
        {
            return rule;
        }

        var text = l[key, arguments];
        return text.ResourceNotFound ? rule : text.Value;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^'(?<digit>.)' is used twice on this level$", System.Text.RegularExpressions.RegexOptions.ExplicitCapture, 100)]
    private static partial System.Text.RegularExpressions.Regex DigitTwice();

    [System.Text.RegularExpressions.GeneratedRegex("^must be (?<from>[0-9]+)–(?<to>[0-9]+)(?<seconds> seconds)?$", System.Text.RegularExpressions.RegexOptions.ExplicitCapture, 100)]
    private static partial System.Text.RegularExpressions.Regex Range();

    private static (string? Key, object[] Arguments) RuleKey(string rule)
    {
        var twice = DigitTwice().Match(rule);
        if (twice.Success)
        {
            return ("CallRule_DigitTwice", [twice.Groups["digit"].Value]);
        }

        var range = Range().Match(rule);
        if (range.Success)
        {
            return (range.Groups["seconds"].Success ? "CallRule_SecondsRange" : "CallRule_Range", [range.Groups["from"].Value, range.Groups["to"].Value]);
        }

        string? key = rule switch
        {
            "must be 1–40 lower-case letters, digits or '-'" => "CallRule_QueueId",
            "overflowAfterSeconds and overflowQueueId go together" => "CallRule_OverflowTogether",
            "a queue cannot overflow to itself" => "CallRule_OverflowSelf",
            "must name an existing queue" => "CallRule_Queue",
            "is already another hotline's number" => "CallRule_NumberTaken",
            "must have at least one option" => "CallRule_MenuEmpty",
            "is nested too deep (at most 4 levels)" => "CallRule_MenuDepth",
            "must be one key: 0-9, * or #" => "CallRule_Digit",
            "is required (at most 40 characters)" => "CallRule_Label",
            "must name a configured queue (a menu leaf routes to a queue)" => "CallRule_LeafQueue",
            "must be empty on an option with a sub-menu" => "CallRule_SubMenuQueue",
            "at least one skill is required" => "CallRule_SkillRequired",
            "each skill may appear once" => "CallRule_SkillOnce",
            "a verified identity needs the registered phone number (and the last order or e-mail)" => "CallRule_VerifiedNeedsPhone",
            "the call has no caller number to call back" => "CallRule_NoCallerNumber",
            "must be in the future and within 7 days" => "CallRule_DueWithin",
            _ when rule.StartsWith("is required: the hotline's digits", StringComparison.Ordinal) => "CallRule_HotlineNumber",
            _ when rule.StartsWith("must be a time HH:mm", StringComparison.Ordinal) => "CallRule_Time",
            _ when rule.StartsWith("must list weekdays", StringComparison.Ordinal) => "CallRule_Weekdays",
            _ when rule.StartsWith("must be the skill of a configured queue", StringComparison.Ordinal) => "CallRule_Skill",
            _ when rule.StartsWith("may only name phone, order and email", StringComparison.Ordinal) => "CallRule_IdentityFacts",
            _ when rule.StartsWith("is required (or a callId", StringComparison.Ordinal) => "CallRule_CallbackPhone",
            _ when rule.StartsWith("must be agent:USER", StringComparison.Ordinal) => "CallRule_TransferTarget",
            _ when rule.StartsWith("Ringing and OnCall are set by call events", StringComparison.Ordinal) => "CallRule_StateByEvents",
            _ => null,
        };
        return (key, []);
    }

    private static string Or(LocalizedString text, string fallback) => text.ResourceNotFound ? fallback : text.Value;

    /// <summary>
    /// The scripts of seed 003 the desktop shows. They are what the agent says to a Chinese-speaking caller, so they stay
    /// in Chinese whatever the UI language; only the labels around them are translated.
    /// </summary>
    public static class Scripts
    {
        /// <summary>§2.3 identity check.</summary>
        public const string IdentityPurpose = "为了保障您的信息安全，请问您的注册手机号是多少？";

        public const string IdentityOrder = "请问您最近一次消费的订单编号（或消费金额）是？";

        public const string IdentityEmail = "（可选）请问您预留的邮箱是？";

        public const string IdentityWhy = "这是为了确保您的账户安全，请理解。";

        /// <summary>§3.1: a caller who cannot verify is pointed to a self-service check.</summary>
        public const string SelfServiceVerification = "您可以通过APP“我的”-“账户安全”页面进行人脸识别验证，我帮您等待。";

        /// <summary>§2.4 need confirmation.</summary>
        public const string NeedConfirmation = "您的意思是……，对吗？";

        public const string NeedConfirmationExample = "您的意思是，您10月5日购买的XX商品，至今未收到货，对吗？";

        /// <summary>§2.6 closing.</summary>
        public static readonly IReadOnlyList<string> Closing =
        [
            "请问还有什么可以帮您的吗？",
            "请问您对本次服务满意吗？",
            "感谢您的理解与支持，祝您生活愉快，再见。",
        ];

        /// <summary>§4.2 emotional caller: let them vent, then refocus.</summary>
        public const string CalmDown = "您别着急，我知道您现在很生气，您可以慢慢说，我会帮您解决的。";

        public const string LetVent = "您有什么话都可以跟我说，我会认真听。";

        public const string Refocus = "我们来看看怎么解决这个问题，好吗？";

        public const string RefocusSummary = "我刚才听您说了，您的问题是……，对吗？我现在帮您查一下，马上给您回复。";

        /// <summary>§3.2 empathy, apology, commitment.</summary>
        public static readonly IReadOnlyList<string> Empathy = ["我完全理解您的心情，要是我遇到这种情况也会很生气。", "您的感受我非常能体会。"];

        public static readonly IReadOnlyList<string> Apology = ["非常抱歉给您带来了不便。", "给您造成困扰，我们深表歉意。"];

        public static readonly IReadOnlyList<string> Commitment = ["我会马上帮您查一下，尽快给您回复。", "我会联系相关部门，优先处理您的问题。"];

        /// <summary>§4.4 a request that cannot be met: explain objectively, offer alternatives, apologize.</summary>
        public const string CannotSatisfyExplain = "根据公司政策，……，还请理解。";

        public const string CannotSatisfyAlternatives = "虽然无法……，但我们可以给您补发一件同款商品，或者提供50元优惠券。";

        public const string CannotSatisfyApology = "给您带来的不便，我们深表歉意。";

        public const string AlternativeReship = "补发同款";

        public const string AlternativeCoupon = "50元优惠券";

        /// <summary>§2.5 a promised callback: a bounded time, never an open-ended promise.</summary>
        public static string Callback(int hours) => hours >= 24
            ? "这个问题需要核实，我会在24小时内给您回电。"
            : $"这个问题需要核实您的订单详情，我会在{hours.ToString(CultureInfo.InvariantCulture)}小时内给您回电。";

        /// <summary>§3.3 transfer: tell the caller the reason, the contact person and their work number.</summary>
        public static string TransferToPerson(string? reason, string contact, string? workNumber) =>
            $"关于{Blank(reason)}，需要由{contact}为您处理，我帮您转接过去{(string.IsNullOrEmpty(workNumber) ? "" : "，他/她的工号是" + workNumber)}，请稍等。";

        public static string TransferToQueue(string? reason, string queue) => $"关于{Blank(reason)}，需要由{queue}专员为您处理，我帮您转接过去，请稍等。";

        private static string Blank(string? text) => string.IsNullOrWhiteSpace(text) ? "……" : text.Trim().TrimEnd('。', '，', '.');
    }
}

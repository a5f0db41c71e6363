using System.Globalization;

namespace Kefu.Web.Features.Calls.Simulation;

/// <summary>One IVR menu choice: the digit the caller presses, its prompt, the ACD queue it leads to and how often
/// callers choose it (relative weight).</summary>
/// <param name="Digit">"1", "2", "3" or "0".</param>
/// <param name="Label">The menu prompt, e.g. 查询订单.</param>
/// <param name="QueueId">The ACD queue (and agent skill) the choice routes to.</param>
/// <param name="Weight">Relative weight; weights need not sum to 1.</param>
public sealed record IvrChoice(string Digit, string Label, string QueueId, double Weight);

/// <summary>How handle times are drawn.</summary>
public enum HandleTimeDistribution
{
    /// <summary>Exponential (coefficient of variation 1): what Erlang C assumes, used to validate the ACD.</summary>
    Exponential,

    /// <summary>Log-normal with the same mean and shape <see cref="TrafficOptions.HandleTimeSigma"/>: closer to real
    /// calls (few very short calls, a long right tail).</summary>
    LogNormal,
}

/// <summary>The traffic a simulated contact centre receives.</summary>
/// <remarks>Handle time is the time an agent is occupied by the call (talk plus hold), which is what Erlang C's
/// service time means; hold time is drawn as a part of it, so adding hold never changes the handle-time distribution.</remarks>
public sealed record TrafficOptions
{
    /// <summary>The IVR menu of the manual's script (话务流程手册 §2.2.1): 1 查询订单, 2 售后, 3 投诉建议, 0 人工.</summary>
    public static IReadOnlyList<IvrChoice> DefaultIvrChoices { get; } =
    [
        new("1", "查询订单", "orders", 0.35),
        new("2", "售后", "after-sales", 0.30),
        new("3", "投诉建议", "complaints", 0.15),
        new("0", "人工", "general", 0.20),
    ];

    /// <summary>Agents on duty (used by <see cref="QueueSimulation"/> and for Erlang comparisons).</summary>
    public int Agents { get; init; } = 10;

    /// <summary>Mean arrival rate λ in calls per hour (Poisson arrivals).</summary>
    public double CallsPerHour { get; init; } = 160;

    /// <summary>Length of the arrival window; arrivals stop after it, calls in progress still finish.</summary>
    public double Hours { get; init; } = 8;

    /// <summary>Mean handle time h in seconds (talk plus hold).</summary>
    public double MeanHandleSeconds { get; init; } = 180;

    /// <summary>How handle times are distributed around <see cref="MeanHandleSeconds"/>.</summary>
    public HandleTimeDistribution HandleTimeDistribution { get; init; } = HandleTimeDistribution.Exponential;

    /// <summary>σ of ln(handle time) for <see cref="HandleTimeDistribution.LogNormal"/>; 0.8 gives a coefficient of
    /// variation near 0.9, typical of service calls.</summary>
    public double HandleTimeSigma { get; init; } = 0.8;

    /// <summary>Mean of the exponential time a caller is willing to wait before hanging up; null: callers never abandon.</summary>
    public double? MeanPatienceSeconds { get; init; } = 60;

    /// <summary>Menu choices with their weights.</summary>
    public IReadOnlyList<IvrChoice> IvrChoices { get; init; } = DefaultIvrChoices;

    /// <summary>Probability that the agent puts the caller on hold during the call.</summary>
    public double HoldProbability { get; init; } = 0.2;

    /// <summary>Mean of the exponential hold time; a hold never takes more than half the handle time.</summary>
    public double MeanHoldSeconds { get; init; } = 40;

    /// <summary>Probability that the caller agrees to the satisfaction survey after the call.</summary>
    public double SurveyAgreementProbability { get; init; } = 0.35;

    /// <summary>Seed of the random stream; the same options give the same plan.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>λ in calls per second.</summary>
    public double ArrivalRatePerSecond => CallsPerHour / 3600;

    /// <summary>Offered load A = λ·h in erlangs.</summary>
    public double OfferedLoad => ArrivalRatePerSecond * MeanHandleSeconds;
}

/// <summary>One call of the arrival plan. Times are seconds from the start of the simulation.</summary>
/// <param name="Sequence">0-based arrival order.</param>
/// <param name="CallId">Id used in the ACD.</param>
/// <param name="ArrivalSeconds">When the call reaches the centre.</param>
/// <param name="IvrDigit">The IVR choice.</param>
/// <param name="QueueId">The queue that choice leads to.</param>
/// <param name="HandleSeconds">How long an agent is occupied once answered (talk plus hold).</param>
/// <param name="PatienceSeconds">How long the caller waits for an agent before hanging up; null: forever.</param>
/// <param name="HoldSeconds">Time on hold within the handle time; 0 when the caller is not put on hold.</param>
/// <param name="AgreedToSurvey">Whether the caller takes the satisfaction survey.</param>
/// <param name="CallerPhone">Caller's mobile number (1[3-9] and nine digits).</param>
public sealed record PlannedCall(
    int Sequence,
    string CallId,
    double ArrivalSeconds,
    string IvrDigit,
    string QueueId,
    double HandleSeconds,
    double? PatienceSeconds,
    double HoldSeconds,
    bool AgreedToSurvey,
    string CallerPhone)
{
    /// <summary>Talk time: handle time minus hold.</summary>
    public double TalkSeconds => HandleSeconds - HoldSeconds;
}

/// <summary>
/// Produces the arrival plan of <see cref="TrafficOptions"/> from a seeded <see cref="Random"/>: Poisson arrivals
/// (exponential inter-arrival times with mean 1/λ) and, per call, IVR digit, handle time, patience, hold, survey
/// agreement and caller number.
/// </summary>
/// <remarks>Every call draws the same values in the same order, so a seed always yields the same plan.</remarks>
public sealed class TrafficModel
{
    private readonly double[] _cumulativeWeights;

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate, time, probability or weight is out of range.</exception>
    /// <exception cref="ArgumentException">The IVR menu is empty or repeats a digit.</exception>
    public TrafficModel(TrafficOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Agents, nameof(options));
        RequirePositive(options.CallsPerHour, "CallsPerHour");
        RequirePositive(options.Hours, "Hours");
        RequirePositive(options.MeanHandleSeconds, "MeanHandleSeconds");
        RequireNonNegative(options.HandleTimeSigma, "HandleTimeSigma");
        if (options.MeanPatienceSeconds is { } patience)
            RequirePositive(patience, "MeanPatienceSeconds");
        RequireProbability(options.HoldProbability, "HoldProbability");
        RequireNonNegative(options.MeanHoldSeconds, "MeanHoldSeconds");
        RequireProbability(options.SurveyAgreementProbability, "SurveyAgreementProbability");

        var choices = options.IvrChoices ?? throw new ArgumentException("IvrChoices is required.", nameof(options));
        if (choices.Count == 0)
            throw new ArgumentException("The IVR menu needs at least one choice.", nameof(options));
        var digits = new HashSet<string>(StringComparer.Ordinal);
        _cumulativeWeights = new double[choices.Count];
        var sum = 0.0;
        for (var i = 0; i < choices.Count; i++)
        {
            var choice = choices[i];
            if (string.IsNullOrWhiteSpace(choice.Digit) || string.IsNullOrWhiteSpace(choice.QueueId))
                throw new ArgumentException("Every IVR choice needs a digit and a queue.", nameof(options));
            if (!digits.Add(choice.Digit))
                throw new ArgumentException($"IVR digit '{choice.Digit}' appears twice.", nameof(options));
            RequireNonNegative(choice.Weight, "IvrChoices.Weight");
            sum += choice.Weight;
            _cumulativeWeights[i] = sum;
        }

        if (sum <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), sum, "The IVR weights must not all be zero.");
        Options = options;
    }

    /// <summary>The options this model was built from.</summary>
    public TrafficOptions Options { get; }

    /// <summary>Builds the whole plan, in arrival order. Every invocation starts a fresh random stream from the seed,
    /// so it returns an equal plan each time.</summary>
    public IReadOnlyList<PlannedCall> Plan()
    {
        var o = Options;
        var random = new Random(o.Seed);
        var lambda = o.ArrivalRatePerSecond;
        var end = o.Hours * 3600;
        var plan = new List<PlannedCall>((int)Math.Min(end * lambda * 1.1 + 16, 50_000_000));
        var logMu = Math.Log(o.MeanHandleSeconds) - (o.HandleTimeSigma * o.HandleTimeSigma / 2); // E[X] = e^{μ+σ²/2}
        var digits = new char[11];
        var t = 0.0;
        while (true)
        {
            t += Exponential(random, 1 / lambda);
            if (t >= end)
                break;

            var choice = o.IvrChoices[PickChoice(random.NextDouble() * _cumulativeWeights[^1])];
            var handle = o.HandleTimeDistribution == HandleTimeDistribution.LogNormal
                ? Math.Exp(logMu + (o.HandleTimeSigma * StandardNormal(random)))
                : Exponential(random, o.MeanHandleSeconds);
            double? patience = o.MeanPatienceSeconds is { } meanPatience ? Exponential(random, meanPatience) : null;
            var hold = random.NextDouble() < o.HoldProbability ? Math.Min(Exponential(random, o.MeanHoldSeconds), handle / 2) : 0;
            var survey = random.NextDouble() < o.SurveyAgreementProbability;
            var phone = MobileNumber(random, digits);
            var sequence = plan.Count;
            plan.Add(new PlannedCall(sequence, "call-" + sequence.ToString("D7", CultureInfo.InvariantCulture), t,
                choice.Digit, choice.QueueId, handle, patience, hold, survey, phone));
        }

        return plan;
    }

    /// <summary>A Chinese mobile number: 1, then 3–9, then nine digits.</summary>
    internal static string MobileNumber(Random random, char[] buffer)
    {
        buffer[0] = '1';
        buffer[1] = (char)('3' + random.Next(7));
        for (var i = 2; i < 11; i++)
            buffer[i] = (char)('0' + random.Next(10));
        return new string(buffer, 0, 11);
    }

    /// <summary>Inverse-transform sample: −mean·ln(1 − U); 1 − U lies in (0, 1], so the log is finite.</summary>
    internal static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    /// <summary>Box–Muller: one standard normal from two uniforms.</summary>
    private static double StandardNormal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private int PickChoice(double x)
    {
        for (var i = 0; i < _cumulativeWeights.Length; i++)
        {
            if (x < _cumulativeWeights[i])
                return i;
        }

        // x reaches the total only by rounding: take the last choice that can be chosen at all.
        var last = _cumulativeWeights.Length - 1;
        while (last > 0 && _cumulativeWeights[last] == _cumulativeWeights[last - 1])
            last--;
        return last;
    }

    private static void RequirePositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, "Must be a finite, positive number.");
    }

    private static void RequireNonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, "Must be a finite, non-negative number.");
    }

    private static void RequireProbability(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, "Must be a probability between 0 and 1.");
    }
}

/// <summary>One utterance of a call transcript. Times are seconds from the moment the agent answered.</summary>
/// <param name="Speaker"><see cref="SyntheticTranscript.AgentSpeaker"/> or <see cref="SyntheticTranscript.CustomerSpeaker"/>.</param>
/// <param name="StartSeconds">When the utterance starts.</param>
/// <param name="EndSeconds">When it ends.</param>
/// <param name="Text">What was said.</param>
public sealed record TranscriptSegment(string Speaker, double StartSeconds, double EndSeconds, string Text);

/// <summary>Settings of <see cref="SyntheticTranscript"/>.</summary>
public sealed record TranscriptOptions
{
    /// <summary>The centre's name in the greeting; "XX" keeps the manual's script word for word.</summary>
    public string CenterName { get; init; } = "XX";

    /// <summary>The agent's name (e.g. 小张) or work number (e.g. 8023号) in the greeting; null: drawn at random.</summary>
    public string? AgentIntroduction { get; init; }

    /// <summary>Probability that the agent says one line with a forbidden phrase (<see cref="SyntheticTranscript.ForbiddenPhrases"/>),
    /// so that quality checks have something to find.</summary>
    public double ForbiddenPhraseProbability { get; init; } = 0.05;
}

/// <summary>
/// A realistic Chinese service call following the centre's script (话务流程手册 §2.3–2.6, §5.1): greeting, the
/// caller's need for the IVR topic, identity verification by registered phone and last order only, need
/// confirmation, resolution (with hold if the call has one) and closing, timed to fit the call.
/// </summary>
/// <remarks>Verification asks only what the manual's minimum-necessary rule allows (§3.1): never an ID number,
/// bank card or password. Lines are chosen from several alternatives by the given <see cref="Random"/>, so a seeded
/// random gives the same transcript.</remarks>
public static class SyntheticTranscript
{
    /// <summary>Speaker value of the agent's segments.</summary>
    public const string AgentSpeaker = "agent";

    /// <summary>Speaker value of the caller's segments.</summary>
    public const string CustomerSpeaker = "customer";

    /// <summary>Phrases the manual forbids agents to say (§5.1 禁用话术, and the blaming / lecturing forms of them).</summary>
    public static IReadOnlyList<string> ForbiddenPhrases { get; } =
        ["我不知道", "这不是我的问题", "这不是我们的问题", "你自己不会看吗", "随便你", "你应该"];

    /// <summary>What verification must never ask for (§3.1 禁止信息): ID number, bank card, password.</summary>
    public static IReadOnlyList<string> ForbiddenVerificationTerms { get; } = ["身份证", "银行卡", "卡号", "密码"];

    private const double CharactersPerSecond = 4.5; // calm, clear speech as the manual asks (语速适中)
    private const double TurnGapSeconds = 0.6;

    private static readonly string[] AgentNames = ["小张", "小李", "小王", "小陈", "小刘", "小赵", "小周", "小吴"];
    private static readonly string[] Products = ["电饭煲", "蓝牙耳机", "羽绒服", "空气炸锅", "运动鞋", "扫地机器人", "保温杯", "台灯"];

    private static readonly Scenario[] OrderScenarios =
    [
        new("你好，我想查一下我的订单物流，{date}下的单，到现在还没收到。",
            "您的意思是，您{date}购买的{product}至今未收到货，想查询物流进度，对吗？",
            ["您的订单物流信息显示，快递已到达您所在城市，预计今日下午送达。", "您的订单已经打包完成，正在等待快递员取件，预计明天就能发出，发出后会有短信通知您。"]),
        new("我前几天买了一个{product}，想问一下什么时候能发货。",
            "您的意思是，想了解{date}购买的{product}什么时候发货，对吗？",
            ["您的订单已经打包完成，正在等待快递员取件，预计今天18点前发出。"]),
        new("我的订单显示已签收，可是我根本没收到东西。",
            "您的意思是，订单显示已签收，但您本人没有收到{product}，对吗？",
            ["快递显示放在了小区的快递柜，取件码已经重新发到您的手机上，请您查收。", "我马上帮您联系快递员核实签收情况，会在2小时内给您回电。"]),
    ];

    private static readonly Scenario[] AfterSalesScenarios =
    [
        new("我{date}买的{product}用了没几天就坏了，想申请维修。",
            "您的意思是，{product}出现了故障，想申请维修，对吗？",
            ["您的商品还在保修期内，我已经帮您登记了免费维修，快递员明天上门取件，检测后3个工作日内给您回复。", "我帮您转接到售后专员，他会帮您安排维修，请稍等。"]),
        new("收到的{product}和页面描述不太一样，我想退货。",
            "您的意思是，收到的{product}与商品描述不符，想申请退货，对吗？",
            ["我已经帮您提交了退货申请，您可以在APP‘我的’-‘订单’页面查看进度，快递员明天上门取件。", "我帮您转接到售后专员，他会帮您处理退款问题，请稍等。"]),
        new("我想换货，收到的{product}颜色发错了。",
            "您的意思是，收到的{product}颜色和您下单的不一致，想换货，对吗？",
            ["我已经帮您申请了换货，新的商品明天就能发出，原商品请交给上门取件的快递员。"]),
    ];

    private static readonly Scenario[] ComplaintScenarios =
    [
        new("我要投诉！{date}买的东西，快递三天都没到，打电话也没人接！",
            "您的意思是，您{date}购买的{product}三天了还没送到，也联系不上快递员，对吗？",
            ["我会立即联系快递公司，确认具体送达时间，5分钟内给您回电，可以吗？", "我已经把您的情况登记为加急处理，最晚明天中午给您回复。"]),
        new("收到的{product}有破损，太让人失望了。",
            "您的意思是，您收到的{product}有破损，对吗？",
            ["我会帮您申请补发，明天就能发出，破损的商品不用寄回。", "我帮您申请了全额退款，款项会在3个工作日内原路退回。"]),
        new("我已经打了好几次电话了，{product}的问题一直没有解决！",
            "您的意思是，{product}的问题您已经反映过多次，到现在还没有解决，对吗？",
            ["我会联系相关部门，优先处理您的问题，最晚明天中午给您回复。"]),
    ];

    private static readonly Scenario[] GeneralScenarios =
    [
        new("我想改一下订单的收货地址。",
            "您的意思是，想修改{date}那笔订单的收货地址，对吗？",
            ["订单还没有发货，我已经帮您把收货地址改好了，稍后会有短信确认。"]),
        new("请问我的会员积分怎么用？",
            "您的意思是，想了解会员积分的使用方法，对吗？",
            ["积分可以在下单时直接抵扣，100积分抵1元，您可以在APP‘我的’-‘积分’页面查看。"]),
        new("我想开一张发票。",
            "您的意思是，想为{date}购买的{product}开具发票，对吗？",
            ["您可以在APP‘我的’-‘订单’页面申请电子发票，开好后会发送到您的预留邮箱。"]),
    ];

    private static readonly string[] ComplaintEmpathy =
        ["非常抱歉，让您遇到这样的问题。", "我完全理解您的心情，要是我遇到这种情况也会很着急。", "非常抱歉给您带来了不便，您请说，我在听。"];

    private static readonly string[] AskPhone =
        ["为了保障您的信息安全，请问您的注册手机号是多少？", "好的，为了帮您快速查询，请提供一下您的注册手机号，谢谢。"];

    private static readonly string[] AskOrder = ["请问您最近一次消费的订单编号是？", "请问您最近一笔订单的消费金额是多少？"];

    private static readonly string[] Verified = ["好的，信息核实无误，谢谢您。", "好的，已经核实了，感谢您的配合。"];

    private static readonly string[] Agree = ["对的。", "是的，没错。", "对。"];

    private static readonly string[] Thanks = ["好的，谢谢。", "行，那我等你们消息。", "好的，麻烦你了。"];

    private static readonly (string Agent, string Customer)[] FollowUps =
    [
        ("好的，我这边先帮您记录一下。", "嗯，你们尽快处理吧。"),
        ("好的，我明白了，我帮您仔细看一下。", "好，那麻烦你了。"),
        ("为了方便后续联系您，请问您什么时间接电话比较方便？", "工作日下午都可以。"),
        ("我再跟您确认一下，收货地址还是订单上的地址，对吗？", "对，没有变过。"),
        ("您这边还有其他需要补充的情况吗？", "暂时没有了，就是这个问题。"),
        ("请问这笔订单是您本人下的吗？", "是我自己下的。"),
    ];

    private static readonly string[] BlamingLines =
    [
        "这不是我们的问题，是快递公司那边的问题。",
        "这不是我的问题，你找别的部门吧。",
        "你应该先在APP上看一下订单页面再打电话。",
        "我不知道，这个你得自己去问快递公司。",
        "页面上写得很清楚，你自己不会看吗？",
        "随便你，反正规定就是这样。",
    ];

    /// <summary>A transcript for a planned call: its IVR topic, talk and hold time, caller number and survey answer.</summary>
    public static IReadOnlyList<TranscriptSegment> Generate(PlannedCall call, Random random, TranscriptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Generate(call.IvrDigit, call.TalkSeconds, call.HoldSeconds, call.CallerPhone, call.AgreedToSurvey, random, options);
    }

    /// <summary>
    /// A transcript whose segments lie within [0, talk + hold] seconds, in order and without overlap. The agent's
    /// speech fills the talk time; the hold, if any, is a silent gap after "请您稍等".
    /// </summary>
    /// <param name="ivrDigit">"1" order status, "2" after-sales, "3" complaint, anything else a general enquiry.</param>
    /// <param name="talkSeconds">Talk time (positive).</param>
    /// <param name="holdSeconds">Hold time (0 for none).</param>
    /// <param name="callerPhone">The number the caller gives for verification.</param>
    /// <param name="agreedToSurvey">Whether the agent invites the caller to the satisfaction survey.</param>
    /// <param name="random">The source of every choice.</param>
    /// <param name="options">Centre name, agent and forbidden-phrase probability.</param>
    public static IReadOnlyList<TranscriptSegment> Generate(
        string ivrDigit, double talkSeconds, double holdSeconds, string callerPhone, bool agreedToSurvey, Random random,
        TranscriptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ivrDigit);
        ArgumentNullException.ThrowIfNull(callerPhone);
        ArgumentNullException.ThrowIfNull(random);
        if (!double.IsFinite(talkSeconds) || talkSeconds <= 0)
            throw new ArgumentOutOfRangeException(nameof(talkSeconds), talkSeconds, "Talk time must be positive.");
        if (!double.IsFinite(holdSeconds) || holdSeconds < 0)
            throw new ArgumentOutOfRangeException(nameof(holdSeconds), holdSeconds, "Hold time must not be negative.");
        options ??= new TranscriptOptions();

        var introduction = options.AgentIntroduction
            ?? (random.Next(2) == 0 ? Pick(random, AgentNames) : $"{random.Next(1000, 10000)}号");
        var product = Pick(random, Products);
        var date = $"{random.Next(1, 13)}月{random.Next(1, 29)}日";
        var isComplaint = string.Equals(ivrDigit, "3", StringComparison.Ordinal);
        var scenarios = ivrDigit switch
        {
            "1" => OrderScenarios,
            "2" => AfterSalesScenarios,
            "3" => ComplaintScenarios,
            _ => GeneralScenarios,
        };
        var scenario = Pick(random, scenarios);
        string Fill(string text) => text.Replace("{product}", product, StringComparison.Ordinal).Replace("{date}", date, StringComparison.Ordinal);

        var lines = new List<Line>
        {
            new(AgentSpeaker, $"您好，这里是{options.CenterName}客服中心，我是客服{introduction}，请问有什么可以帮您的？"),
            new(CustomerSpeaker, Fill(scenario.Need)),
        };
        if (isComplaint)
            lines.Add(new(AgentSpeaker, Pick(random, ComplaintEmpathy)));

        // Verification: registered phone and last order only (§3.1), never ID number, bank card or password.
        lines.Add(new(AgentSpeaker, Pick(random, AskPhone)));
        lines.Add(new(CustomerSpeaker, $"{callerPhone[..3]} {callerPhone[3..7]} {callerPhone[7..]}。"));
        var askOrder = random.Next(AskOrder.Length);
        lines.Add(new(AgentSpeaker, AskOrder[askOrder]));
        if (random.Next(5) == 0)
        {
            lines.Add(new(CustomerSpeaker, "为什么要问这个？"));
            lines.Add(new(AgentSpeaker, "这是为了确保您的账户安全，请理解。"));
        }

        lines.Add(new(CustomerSpeaker, askOrder == 0
            ? $"订单编号是{random.NextInt64(2024_0000_0000_0000, 2025_9999_9999_9999)}。"
            : $"{random.Next(29, 2000)}元。"));
        lines.Add(new(AgentSpeaker, Pick(random, Verified)));
        lines.Add(new(AgentSpeaker, Fill(scenario.Confirmation)));
        lines.Add(new(CustomerSpeaker, Pick(random, Agree)));
        var detailsAt = lines.Count;

        var holdAfter = -1;
        if (holdSeconds > 0)
        {
            lines.Add(new(AgentSpeaker, "请您稍等，我帮您查询一下。"));
            holdAfter = lines.Count - 1;
            lines.Add(new(AgentSpeaker, "感谢您的耐心等待。"));
        }

        // The agent's work (looking things up) happens before the resolution: slack time goes mostly there.
        var workBefore = lines.Count;
        if (random.NextDouble() < options.ForbiddenPhraseProbability)
            lines.Add(new(AgentSpeaker, Pick(random, BlamingLines)));
        lines.Add(new(AgentSpeaker, Pick(random, scenario.Resolutions)));
        lines.Add(new(CustomerSpeaker, Pick(random, Thanks)));
        lines.Add(new(AgentSpeaker, "请问还有其他可以帮您的吗？"));
        lines.Add(new(CustomerSpeaker, "没有了，谢谢。"));
        if (agreedToSurvey)
        {
            lines.Add(new(AgentSpeaker, "挂机后会请您对本次服务进行满意度评价，麻烦您了。"));
            lines.Add(new(CustomerSpeaker, "好的。"));
        }

        lines.Add(new(AgentSpeaker, "感谢您的来电，祝您生活愉快，再见！"));

        // A long call is a longer conversation, not a slower one: add follow-up exchanges while they fit.
        var details = AddDetails(lines, detailsAt, talkSeconds, random);
        return Time(lines, talkSeconds, holdSeconds, holdAfter < 0 ? -1 : holdAfter + details, workBefore + details);
    }

    /// <summary>Inserts follow-up exchanges (in random order, none twice) at <paramref name="at"/> while the natural
    /// length stays within 85 % of the talk time; returns how many lines were inserted.</summary>
    private static int AddDetails(List<Line> lines, int at, double talkSeconds, Random random)
    {
        var natural = -TurnGapSeconds;
        foreach (var line in lines)
            natural += SpeechSeconds(line) + TurnGapSeconds;

        var order = new int[FollowUps.Length];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        random.Shuffle(order);

        var inserted = 0;
        foreach (var i in order)
        {
            var (question, answer) = FollowUps[i];
            var agentLine = new Line(AgentSpeaker, question);
            var customerLine = new Line(CustomerSpeaker, answer);
            var length = SpeechSeconds(agentLine) + SpeechSeconds(customerLine) + (2 * TurnGapSeconds);
            if (natural + length > talkSeconds * 0.85)
                break;
            lines.Insert(at + inserted, agentLine);
            lines.Insert(at + inserted + 1, customerLine);
            inserted += 2;
            natural += length;
        }

        return inserted;
    }

    private static double SpeechSeconds(Line line) => 0.8 + (line.Text.Length / CharactersPerSecond);

    /// <summary>Lays the lines out: speech at a natural pace with short turn gaps; extra talk time becomes the agent's
    /// lookup pause before the resolution (and a little between turns); too little talk time compresses everything.</summary>
    private static List<TranscriptSegment> Time(List<Line> lines, double talkSeconds, double holdSeconds, int holdAfter, int workBefore)
    {
        var speech = new double[lines.Count];
        var natural = 0.0;
        for (var i = 0; i < lines.Count; i++)
        {
            speech[i] = SpeechSeconds(lines[i]);
            natural += speech[i];
        }

        var gaps = lines.Count - 1;
        natural += gaps * TurnGapSeconds;
        double scale = 1, gap = TurnGapSeconds, workPause = TurnGapSeconds;
        if (natural > talkSeconds)
        {
            scale = talkSeconds / natural;
            gap *= scale;
            workPause = gap;
        }
        else
        {
            // Turn gaps grow by at most a second (a thoughtful pause); the rest is the agent's lookup before the answer.
            var slack = talkSeconds - natural;
            var perGap = Math.Min(slack * 0.3 / gaps, 1.0);
            gap += perGap;
            workPause = gap + (slack - (perGap * gaps));
        }

        var total = talkSeconds + holdSeconds;
        var segments = new List<TranscriptSegment>(lines.Count);
        var t = 0.0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
                t += i == workBefore ? workPause : gap;
            var end = t + (speech[i] * scale);
            segments.Add(new TranscriptSegment(lines[i].Speaker, Math.Min(Math.Round(t, 2), total), Math.Min(Math.Round(end, 2), total), lines[i].Text));
            t = end;
            if (i == holdAfter)
                t += holdSeconds;
        }

        return segments;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private sealed record Scenario(string Need, string Confirmation, string[] Resolutions);

    private readonly record struct Line(string Speaker, string Text);
}

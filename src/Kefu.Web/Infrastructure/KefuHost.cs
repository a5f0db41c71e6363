using System.Globalization;
using Kefu.Web.Components;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Audit;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Complaints.Mail;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Departments;
using Kefu.Web.Features.Improvements;
using Kefu.Web.Features.Insights;
using Kefu.Web.Features.Knowledge;
using Kefu.Web.Features.Notifications;
using Kefu.Web.Features.Quality;
using Kefu.Web.Features.Surveys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.OpenApi;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace Kefu.Web.Infrastructure;

/// <summary>How the Kefu host is composed: services, then the request pipeline. Program.cs calls these two.</summary>
public static class KefuHost
{
    public const string DefaultUrl = "http://localhost:5080";
    private const string SmartScheme = "Kefu";

    public static WebApplicationBuilder AddKefu(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        if (string.IsNullOrWhiteSpace(configuration["urls"]) && string.IsNullOrWhiteSpace(configuration["http_ports"]) && string.IsNullOrWhiteSpace(configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.FormatterName = RedactingConsoleFormatter.FormatterName)
            .AddConsoleFormatter<RedactingConsoleFormatter, RedactingConsoleFormatterOptions>(o =>
                o.Json = !string.Equals(configuration["Kefu:Logging:Format"], "text", StringComparison.OrdinalIgnoreCase));
        builder.AddKefuTelemetry();

        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier);
        });
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.Configure<StoreOutageOptions>(configuration.GetSection(StoreOutageOptions.Section));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        services.AddKefuStore(configuration, builder.Environment.ContentRootPath);
        services.AddKefuRateLimits(configuration);
        services.Configure<ComplaintRules>(configuration.GetSection("Kefu:Complaints"));
        services.Configure<SlaOptions>(configuration.GetSection("Kefu:Sla"));
        services.Configure<AttachmentOptions>(configuration.GetSection("Kefu:Attachments"));
        services.Configure<Features.Privacy.RetentionOptions>(configuration.GetSection(Features.Privacy.RetentionOptions.Section));
        services.AddSingleton(sp => new PublicIntake.SubmissionLimiter(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ComplaintRules>>().Value));
        services.AddSingleton(sp => new BusinessCalendar(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SlaOptions>>().Value.BusinessHours));
        services.Configure<Features.Calls.CallCenterOptions>(configuration.GetSection("Kefu:Calls"));
        services.Configure<Features.Calls.CallTargets>(configuration.GetSection("Kefu:Calls"));
        services.Configure<Features.Insights.KpiOptions>(configuration.GetSection(Features.Insights.KpiOptions.Section));
        services.Configure<Features.Insights.ReportOptions>(configuration.GetSection(Features.Insights.ReportOptions.Section));
        services.AddSingleton<Features.Calls.ScreenPops>();
        services.AddSingleton<Hubs.CallCenterSignals>();
        services.AddSingleton<Features.Calls.CallCenter>();
        services.AddSingleton<Features.Quality.ScriptRuleBook>();
        services.Configure<Features.Quality.ScorecardOptions>(configuration.GetSection(Features.Quality.ScorecardOptions.Section));
        services.AddKnowledge();
        var signalR = services.AddSignalR();
        services.AddKefuScaleOut(configuration, signalR);
        var jobs = configuration.GetValue("Kefu:Jobs:Enabled", true);
        if (jobs)
        {
            services.AddHostedService<Jobs.DeadlineSweeper>();
            services.AddHostedService<Jobs.AcdTimer>();
            services.AddHostedService<Jobs.CallbackSweeper>();
            services.AddHostedService<Jobs.WeeklySampler>();
            services.AddHostedService<Jobs.OutboxSender>();
            services.AddHostedService<Jobs.MonthlyReportMailer>();
            services.AddHostedService<Jobs.RetentionSweeper>();
        }

        services.AddKefuNotifications(configuration);

        services.Configure<MailOptions>(configuration.GetSection(MailOptions.Section));
        if (configuration.GetValue($"{MailOptions.Section}:Enabled", false))
        {
            services.AddSingleton<IMailSender, SmtpMailSender>();
            if (jobs)
            {
                services.AddHostedService<Jobs.MailboxPoller>();
            }
        }
        services.AddDataProtection().SetApplicationName("Kefu").PersistKeysToDbContext<KefuDbContext>();

        services.AddIdentityCore<KefuUser>(o =>
            {
                o.Password.RequiredLength = 8;
                o.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Kefu:Lockout:MaxFailedAttempts", 5);
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(configuration.GetValue("Kefu:Lockout:Minutes", 15));
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<KefuDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<KefuClaimsFactory>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<ActorScope>();
        services.AddScoped<ICurrentActor, CurrentActor>();
        services.AddScoped<UiStore>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    || ApiTokenAuthenticationHandler.HubQueryToken(context.Request) is not null
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/access-denied";
            o.Cookie.Name = "kefu.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            // API callers get status codes, not redirects to the login page.
            o.Events.OnRedirectToLogin = c => ApiAware(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => ApiAware(c, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(KefuPolicies.Staff, p => p.RequireAuthenticatedUser().RequireRole(KefuRoles.All))
            .AddPolicy(KefuPolicies.Admin, p => p.RequireRole(KefuRoles.Admin))
            .AddPolicy(KefuPolicies.SupervisorOrAdmin, p => p.RequireRole(KefuRoles.Supervisor, KefuRoles.Admin))
            .AddPolicy(KefuPolicies.CustomerWrite, p => p.RequireRole(KefuRoles.Agent, KefuRoles.Supervisor, KefuRoles.Admin))
            .AddPolicy(KefuPolicies.AuditRead, p => p.RequireRole(KefuRoles.Admin))
            .AddPolicy(KefuPolicies.ComplaintWrite, p => p.RequireRole(KefuRoles.Agent, KefuRoles.Supervisor, KefuRoles.Admin))
            .AddPolicy(KefuPolicies.Supervisor, p => p.RequireRole(KefuRoles.Supervisor))
            .AddPolicy(KefuPolicies.CtiWrite, p => p.RequireRole(KefuRoles.Telephony, KefuRoles.Admin))
            .AddPolicy(KefuPolicies.QualityWrite, p => p.RequireRole(KefuRoles.QA, KefuRoles.Admin))
            .AddPolicy(KefuPolicies.Insights, p => p.RequireRole(KefuRoles.Supervisor, KefuRoles.QA, KefuRoles.Admin))
            .AddPolicy(KefuPolicies.QualityLead, p => p.RequireRole(KefuRoles.QA, KefuRoles.Supervisor, KefuRoles.Admin))
            .AddPolicy(KefuPolicies.SurveyRead, p => p.RequireRole(KefuRoles.Supervisor, KefuRoles.QA, KefuRoles.Admin))
            .AddPolicy(Telemetry.MetricsPolicy, p => p.RequireAssertion(Telemetry.MayReadMetrics));
        services.AddCascadingAuthenticationState();

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = new[] { new CultureInfo("zh-CN"), new CultureInfo("en") };
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            // zh-CN unless the user picked a language: no Accept-Language guessing.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });

        services.AddOpenApi(o =>
        {
            o.AddCtiExamples();
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Kefu API",
                    Version = "v1",
                    Description = "Kefu (客服): complaint handling and customer-service center. Authenticate with POST /api/v1/auth/token and send `Authorization: Bearer <token>`. Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token from POST /api/v1/auth/token.",
                };
                return Task.CompletedTask;
            });
        });

        services.AddHealthChecks().AddDbContextCheck<KefuDbContext>("store", tags: ["ready"]);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Loopback proxies are trusted by default; a proxy on another host is named in Kefu:ForwardedHeaders:KnownProxies.
            foreach (var proxy in (configuration["Kefu:ForwardedHeaders:KnownProxies"] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (System.Net.IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
            }
        });
        // HSTS (outside Development, on HTTPS requests, including those a trusted proxy forwards as https).
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(configuration.GetValue("Kefu:Hsts:MaxAgeDays", 365)));

        // Render Chinese as characters, not &#x..; entities (smaller pages, readable source).
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return builder;
    }

    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs")
            || context.Request.Path.StartsWithSegments("/metrics"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public static WebApplication UseKefu(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseCorrelationId();
        app.UseKefuSecurityHeaders();
        app.UseExceptionHandler();
        // Machine endpoints answer errors with problem details; pages re-execute to the not-found page.
        app.UseWhen(IsMachineEndpoint, api => api.UseStatusCodePages());
        app.UseWhen(c => !IsMachineEndpoint(c), ui => ui.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseKefuRequestBodyLimits();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseApiTokenScopes();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapKefuMetrics();
        if (app.Configuration.GetValue("Kefu:Bench:HelloEndpoint", false))
        {
            // The ceiling for the HTTP bench (bench/http/run.sh): same process and pipeline, no store, no auth.
            app.MapGet("/bench/hello", () => "hello").AllowAnonymous().ExcludeFromDescription();
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("Kefu API")).AllowAnonymous();

        var api = app.MapGroup("").AddEndpointFilter<StaleVersionFilter>();
        api.MapAuthApi();
        api.MapUsersApi();
        api.MapDepartmentsApi();
        api.MapCustomersApi();
        api.MapAuditApi();
        api.MapComplaintsApi();
        api.MapComplaintReports();
        api.MapComplaintMailApi();
        api.MapNotificationsApi();
        api.MapImprovementsApi();
        api.MapCtiApi();
        api.MapCallsApi();
        api.MapCallExportApi();
        api.MapAgentsApi();
        api.MapCallCenterSetupApi();
        api.MapWallboardApi();
        api.MapCallCallbacksApi();
        api.MapFaultNoticesApi();
        api.MapQualityApi();
        api.MapQaSamplesApi();
        api.MapEvaluationsApi();
        api.MapKpisApi();
        api.MapComplaintInsightsApi();
        api.MapMonthlyReportApi();
        api.MapScorecardsApi();
        api.MapCoachingApi();
        api.MapTrainingApi();
        api.MapEmployeeFeedbackApi();
        api.MapSurveysApi();
        api.MapOutboxApi();
        api.MapKnowledgeApi();
        app.MapHub<Hubs.CallCenterHub>(Hubs.CallCenterHub.Path);
        app.MapAccountEndpoints();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static bool IsMachineEndpoint(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/account")
        || context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/openapi")
        || context.Request.Path.StartsWithSegments("/metrics") || context.Request.Path.StartsWithSegments("/hubs");

    /// <summary>Migrates the store (unless disabled), ensures roles and departments, and seeds demo data in demo mode.</summary>
    public static async Task PrepareStoreAsync(this WebApplication app)
    {
        var configuration = app.Configuration;
        if (configuration.GetValue("Kefu:MigrateOnStartup", true))
        {
            await StoreSetup.MigrateAsync(app.Services);
        }

        await DemoData.EnsureBaselineAsync(app.Services, CancellationToken.None);
        await Features.Insights.CallKpiRollups.RebuildIfNeededAsync(app.Services, CancellationToken.None);
        if (configuration.GetValue("Kefu:DemoData", false))
        {
            await DemoData.SeedAsync(app.Services, CancellationToken.None);
        }
    }

    /// <summary>Prints where Kefu listens and, in demo mode, the demo logins — the first thing an operator needs.</summary>
    public static void PrintBannerOnStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : DefaultUrl;
            var store = app.Services.GetRequiredService<StoreInfo>().Describe();
            var lines = new List<string>
            {
                "",
                "  Kefu 客服 is running.",
                $"  URL:    {addresses}",
                $"  Store:  {store}",
                $"  API:    {addresses.Split(',')[0].Trim()}/scalar  (OpenAPI: /openapi/v1.json)",
            };
            if (app.Configuration.GetValue("Kefu:DemoData", false))
            {
                lines.Add($"  Demo logins (password {DemoData.Password}): " + string.Join(", ", DemoData.Staff.Take(4).Select(s => $"{s.UserName} ({s.Role})")));
            }

            lines.Add("");
            Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
            Console.Out.Flush();
        });
    }
}

using Kefu.Web.Features.Surveys;

namespace Kefu.Web.Features.Notifications;

/// <summary>Registers the outbox, its senders and the survey settings.</summary>
public static class NotificationSetup
{
    public static IServiceCollection AddKefuNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.Configure<SurveyOptions>(configuration.GetSection(SurveyOptions.Section));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHttpClient(nameof(WebhookPushSender));
        services.AddScoped<INotificationSender, SmsNotificationSender>();
        services.AddScoped<INotificationSender, WebhookPushSender>();
        services.AddScoped<INotificationSender, EmailNotificationSender>();
        if (string.Equals(configuration[$"{NotificationOptions.Section}:SmsProvider"] ?? "dev-sink", "dev-sink", StringComparison.OrdinalIgnoreCase))
        {
            services.AddScoped<ISmsProvider, DevSmsSink>();
        }

        return services;
    }
}

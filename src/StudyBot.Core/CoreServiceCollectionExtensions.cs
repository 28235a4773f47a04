using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;
using StudyBot.Core.Privacy;

namespace StudyBot.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// The engine: command catalog, handlers and executor. The host adds a <see cref="Roadmaps.RoadmapCatalog"/>,
    /// <see cref="CoreSettings"/>, a <see cref="TimeProvider"/> and an <see cref="Progress.IProgressStore"/>.
    /// </summary>
    public static IServiceCollection AddStudyBotCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new CoreSettings());
        services.TryAddSingleton<Chat.MemberText>();
        services.AddSingleton(_ => StudyBotCommands.Catalog());
        services.TryAddSingleton<Storage.IStoreFaults, Storage.NoStoreFaults>();
        services.TryAddSingleton<Storage.StoreOutage>();
        services.AddSingleton<CommandExecutor>();
        services.TryAddSingleton(new DeliveryRates());
        services.AddSingleton<ReminderService>();
        services.AddSingleton<CelebrationService>();
        services.AddSingleton<LeaderboardService>();
        services.AddSingleton<OutboxDispatcher>();
        DrainOwners.Register(services);
        services.AddSingleton<PartnerService>();
        services.TryAddSingleton(new RetentionSettings());
        services.AddSingleton<MembershipService>();
        services.AddSingleton<Roles.RoleGrantService>();

        services.AddScoped<ICommandHandler, OverviewHandler>();
        services.AddScoped<ICommandHandler, StartHandler>();
        services.AddScoped<ICommandHandler, PathHandler>();
        services.AddScoped<ICommandHandler, DoneHandler>();
        services.AddScoped<ICommandHandler, DoingHandler>();
        services.AddScoped<ICommandHandler, SkipHandler>();
        services.AddScoped<ICommandHandler, UndoHandler>();
        services.AddScoped<ICommandHandler, NextHandler>();
        services.AddScoped<ICommandHandler, RoadmapHandler>();
        services.AddScoped<ICommandHandler, LogHandler>();
        services.AddScoped<ICommandHandler, GoalSetHandler>();
        services.AddScoped<ICommandHandler, GoalShowHandler>();
        services.AddScoped<ICommandHandler, GoalSuggestHandler>();
        services.AddScoped<ICommandHandler, StreakHandler>();
        services.AddScoped<ICommandHandler, CardHandler>();
        services.AddScoped<ICommandHandler, TimezoneHandler>();
        services.AddScoped<ICommandHandler, HelpHandler>();
        services.AddScoped<ICommandHandler, AdminHelpHandler>();
        services.AddScoped<ICommandHandler, RemindPlanHandler>();
        services.AddScoped<ICommandHandler, RemindShowHandler>();
        services.AddScoped<ICommandHandler, RemindOnHandler>();
        services.AddScoped<ICommandHandler, RemindOffHandler>();
        services.AddScoped<ICommandHandler, RemindSnoozeHandler>();
        services.AddScoped<ICommandHandler, RemindQuietHandler>();
        services.AddScoped<ICommandHandler, RestStartHandler>();
        services.AddScoped<ICommandHandler, RestEndHandler>();
        services.AddScoped<ICommandHandler, BoardHandler>();
        services.AddScoped<ICommandHandler, MePrivacyHandler>();
        services.AddScoped<ICommandHandler, MeCelebrateHandler>();
        services.AddScoped<ICommandHandler, AdminChannelHandler>();
        services.AddScoped<ICommandHandler, AdminTimezoneHandler>();
        services.AddScoped<ICommandHandler, AdminLeaderboardScheduleHandler>();
        services.AddScoped<ICommandHandler, AdminRemindersMaxHandler>();
        services.AddScoped<ICommandHandler, AdminShowHandler>();
        services.AddScoped<ICommandHandler, MeDeleteHandler>();
        services.AddScoped<ICommandHandler, MeExportHandler>();
        services.AddScoped<ICommandHandler, AdminExportHandler>();
        services.AddScoped<ICommandHandler, PartnerFindHandler>();
        services.AddScoped<ICommandHandler, PartnerStatusHandler>();
        services.AddScoped<ICommandHandler, PartnerNudgeHandler>();
        services.AddScoped<ICommandHandler, PartnerLeaveHandler>();
        services.AddScoped<ICommandHandler, AdminPartnersMatchHandler>();
        services.AddScoped<ICommandHandler, AdminPartnersScheduleHandler>();
        services.AddScoped<ICommandHandler, RolesMapHandler>();
        services.AddScoped<ICommandHandler, RolesUnmapHandler>();
        services.AddScoped<ICommandHandler, RolesShowHandler>();
        services.AddScoped<ICommandHandler, RolesSyncHandler>();
        return services;
    }
}

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
        // One Meter per container, from the host's IMeterFactory when there is one (tests get meters of their own).
        services.TryAddSingleton(sp =>
        {
            var metrics = new Telemetry.StudyBotMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>());
            metrics.ObserveConnections(sp.GetRequiredService<Operations.ConnectionStates>().Snapshot);
            return metrics;
        });
        services.AddSingleton(_ => StudyBotCommands.Catalog());
        services.TryAddSingleton<Storage.IStoreFaults, Storage.NoStoreFaults>();
        services.TryAddSingleton<Storage.StoreOutage>();
        services.TryAddSingleton<Operations.CommandStats>();
        services.AddSingleton<CommandExecutor>();
        services.TryAddSingleton(new DeliveryRates());
        services.AddSingleton<ReminderService>();
        services.AddSingleton<CelebrationService>();
        services.AddSingleton<LeaderboardService>();
        services.AddSingleton<OutboxDispatcher>();
        DrainOwners.Register(services);
        services.AddSingleton<PartnerService>();
        services.AddScoped<ProgressViews.MyProgressService>();
        services.AddSingleton<Sessions.SessionService>();
        services.AddSingleton<Sessions.SessionVoiceCheckIn>();
        services.AddSingleton<Voice.IVoicePresenceListener>(sp => sp.GetRequiredService<Sessions.SessionVoiceCheckIn>());
        services.TryAddSingleton(new RetentionSettings());
        services.AddSingleton<MembershipService>();
        services.AddSingleton<Roles.RoleGrantService>();

        // What the adapters report of their connections and loops, for health checks, metrics and status.
        services.TryAddSingleton<Operations.ConnectionStates>();
        services.TryAddSingleton<Operations.LoopHeartbeats>();
        services.AddSingleton<Operations.IConnectionStatus, Operations.ConnectionStatus>();

        AddHandler<OverviewHandler>(services);
        AddHandler<MeLanguageHandler>(services);
        AddHandler<CommunityLanguageHandler>(services);
        AddHandler<StartHandler>(services);
        AddHandler<PathHandler>(services);
        AddHandler<DoneHandler>(services);
        AddHandler<DoingHandler>(services);
        AddHandler<SkipHandler>(services);
        AddHandler<NoteHandler>(services);
        AddHandler<UndoHandler>(services);
        AddHandler<NextHandler>(services);
        AddHandler<RoadmapHandler>(services);
        AddHandler<LogHandler>(services);
        AddHandler<GoalSetHandler>(services);
        AddHandler<GoalShowHandler>(services);
        AddHandler<GoalSuggestHandler>(services);
        AddHandler<StreakHandler>(services);
        AddHandler<CardHandler>(services);
        AddHandler<TimezoneHandler>(services);
        AddHandler<HelpHandler>(services);
        AddHandler<AdminHelpHandler>(services);
        AddHandler<StatusHandler>(services);
        AddHandler<RemindPlanHandler>(services);
        AddHandler<RemindShowHandler>(services);
        AddHandler<RemindOnHandler>(services);
        AddHandler<RemindOffHandler>(services);
        AddHandler<RemindSnoozeHandler>(services);
        AddHandler<RemindQuietHandler>(services);
        AddHandler<RestStartHandler>(services);
        AddHandler<RestEndHandler>(services);
        AddHandler<BoardHandler>(services);
        AddHandler<MePrivacyHandler>(services);
        AddHandler<MeCelebrateHandler>(services);
        AddHandler<AdminChannelHandler>(services);
        AddHandler<AdminTimezoneHandler>(services);
        AddHandler<AdminLeaderboardScheduleHandler>(services);
        AddHandler<AdminRemindersMaxHandler>(services);
        AddHandler<AdminShowHandler>(services);
        AddHandler<MeDeleteHandler>(services);
        AddHandler<MeExportHandler>(services);
        AddHandler<AdminExportHandler>(services);
        AddHandler<PartnerFindHandler>(services);
        AddHandler<PartnerStatusHandler>(services);
        AddHandler<PartnerNudgeHandler>(services);
        AddHandler<PartnerLeaveHandler>(services);
        AddHandler<AdminPartnersMatchHandler>(services);
        AddHandler<AdminPartnersScheduleHandler>(services);
        AddHandler<SessionsListHandler>(services);
        AddHandler<SessionGoingHandler>(services);
        AddHandler<SessionMaybeHandler>(services);
        AddHandler<SessionCantHandler>(services);
        AddHandler<SessionCheckInHandler>(services);
        AddHandler<SessionPlanHandler>(services);
        AddHandler<AdminSessionPlanHandler>(services);
        AddHandler<AdminSessionCancelHandler>(services);
        AddHandler<AdminSessionMembersHandler>(services);
        AddHandler<RolesMapHandler>(services);
        AddHandler<RolesUnmapHandler>(services);
        AddHandler<RolesShowHandler>(services);
        AddHandler<RolesSyncHandler>(services);
        Voice.VoiceRooms.AddVoiceRooms(services);

        // Focus sessions (issue 16): the commands and the job that ends and autologs them.
        services.AddSingleton<Focus.FocusService>();

        // The organisers' dashboard (issue 20): a read model for the web side.
        services.AddSingleton<Dashboard.OrganiserDashboard>();
        AddHandler<FocusStartHandler>(services);
        AddHandler<FocusStopHandler>(services);
        AddHandler<FocusBreakHandler>(services);
        AddHandler<FocusLogHandler>(services);
        AddHandler<FocusExtendHandler>(services);
        AddHandler<FocusDiscardHandler>(services);
        AddHandler<MeFocusHandler>(services);

        // Several roadmaps per community (issue 17).
        AddHandler<AdminRoadmapListHandler>(services);
        AddHandler<AdminRoadmapEnableHandler>(services);
        AddHandler<AdminRoadmapDisableHandler>(services);
        AddHandler<AdminRoadmapDefaultHandler>(services);

        // Signing in to the web side (issue 20): links, sessions and share tokens; the host sets the web address.
        services.TryAddSingleton(new Web.WebLinkSettings());
        services.AddScoped<Web.WebAccess>();
        AddHandler<WebLinkHandler>(services);
        AddHandler<WebSignOutHandler>(services);
        AddHandler<WebShareHandler>(services);
        return services;
    }

    /// <summary>
    /// A handler, built by its own type and given as an <see cref="ICommandHandler"/> by forwarding to that: a command builds
    /// only its own handler (<see cref="CommandExecutor"/> resolves it by type), while everything that lists the handlers
    /// still gets them all.
    /// </summary>
    private static void AddHandler<T>(IServiceCollection services)
        where T : class, ICommandHandler
    {
        services.AddScoped<T>();
        services.AddScoped<ICommandHandler>(static sp => sp.GetRequiredService<T>());
    }
}

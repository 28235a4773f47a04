namespace StudyBot.Core.Commands;

/// <summary>The commands StudyBot offers. Each leaf has exactly one handler (a lint test checks it).</summary>
public static class StudyBotCommands
{
    public const string Root = "progress";

    public static readonly ChoiceDefinition[] Profiles =
    [
        new("complete-beginner", "Complete beginner", "beginner", "new"),
        new("programmer", "Programmer new to ML", "dev", "developer"),
        new("quick-learner", "Quick learner", "quick", "fast"),
    ];

    public static readonly ChoiceDefinition[] Paces =
    [
        new("part-time", "Part-time (10-15 h/week)", "parttime", "pt"),
        new("full-time", "Full-time (30-40 h/week)", "fulltime", "ft"),
        new("custom", "Custom hours per week"),
    ];

    public static readonly ChoiceDefinition[] Paths =
    [
        new("standard", "Standard path", "normal", "full"),
        new("accelerated", "Accelerated path (8 weeks)", "fast", "quick"),
    ];

    public static readonly ChoiceDefinition[] SkipReasons =
    [
        new("known", "I already know it", "already-known", "already", "know"),
        new("not-relevant", "Not relevant to me", "irrelevant", "notrelevant", "na"),
        new("later", "Later", "postpone", "defer"),
    ];

    public static readonly ChoiceDefinition[] StudyKinds =
    [
        new("practice", "Practice (coding, projects, experiments)", "p", "coding", "exercise"),
        new("learning", "Learning (docs, tutorials, papers)", "l", "learn", "reading", "study"),
        new("review", "Review (revisiting, explaining, teaching)", "r", "revise", "teaching"),
    ];

    public static readonly ChoiceDefinition[] GoalUnits =
    [
        new("hours", "Hours", "hour", "h"),
        new("items", "Roadmap items", "item", "modules", "i"),
    ];

    public static readonly ChoiceDefinition[] GoalPeriods =
    [
        new("week", "Per week", "weekly", "w"),
        new("month", "Per month", "monthly", "m"),
    ];

    private static OptionDefinition Item(string description, bool required = true, bool rest = true) =>
        new("item", OptionType.String, description)
        {
            Required = required,
            MaxLength = 100,
            Autocomplete = AutocompleteSource.RoadmapItems,
            TakesRest = rest,
        };

    private static OptionDefinition HelpTopic(string description) =>
        new("command", OptionType.String, description)
        {
            MaxLength = 60,
            Autocomplete = AutocompleteSource.Commands,
            TakesRest = true,
        };

    /// <summary>A local time of day; the text grammar also reads "7 pm", "7:30pm" and "12 am".</summary>
    private static OptionDefinition Time(string name, string description, bool required, params string[] words) =>
        new(name, OptionType.String, description)
        {
            Required = required,
            MaxLength = 10,
            TimeOfDay = true,
            Words = words,
            Hint = words.Length == 0 ? "HH:mm" : $"HH:mm|{string.Join('|', words.Take(1))}",
        };

    public static readonly ChoiceDefinition[] FocusSettings =
    [
        new("autolog", "Log an ended focus session after an hour without an answer", "auto-log", "auto"),
    ];

    public static readonly ChoiceDefinition[] OnOff =
    [
        new("on", "On", "yes", "true"),
        new("off", "Off", "no", "false"),
    ];

    /// <summary>Which focus session a button means; without it, the member's latest ended one.</summary>
    private static OptionDefinition FocusSession() =>
        new("session", OptionType.Integer, "The session's number (from its buttons); default: your latest") { Min = 1, Hint = "session" };

    public const string AdminRoot = "studybot";

    public static readonly ChoiceDefinition[] Frequencies =
    [
        new("weekly", "Once a week, on the first planned day", "week", "once"),
        new("daily", "On each planned day", "each", "every"),
    ];

    public static readonly ChoiceDefinition[] Snoozes =
    [
        new("1h", "For an hour", "hour", "60m", "1hour"),
        new("tonight", "Until tonight (20:00)", "evening"),
        new("tomorrow", "Until tomorrow", "1d", "day"),
        new("1w", "For a week", "week", "7d", "1week"),
    ];

    public static readonly ChoiceDefinition[] BoardPeriods =
    [
        new("week", "This week", "weekly", "w"),
        new("month", "This month", "monthly", "m"),
        new("all", "All time", "alltime", "ever", "total"),
    ];

    public static readonly ChoiceDefinition[] BoardMetrics =
    [
        new("points", "Points from learning", "score", "pts"),
        new("minutes", "Minutes studied", "time", "hours"),
        new("consistency", "Days studied", "days", "consistent"),
        new("improved", "Most improved", "improvement", "improve"),
        new("focus", "Minutes in focus sessions", "focused", "pomodoro"),
    ];

    public static readonly ChoiceDefinition[] PrivacyLevels =
    [
        new("public", "Everyone sees my progress"),
        new("partners", "Boards show my name and points; details for study partners", "partner"),
        new("private", "Keep me off boards", "hidden"),
    ];

    public static readonly ChoiceDefinition[] CelebrationChoices =
    [
        new("public", "Celebrate in the community channel", "channel"),
        new("dm", "Send me a direct message", "private", "direct"),
        new("none", "No celebrations", "off", "no"),
    ];

    public static readonly ChoiceDefinition[] ChannelKinds =
    [
        new("celebrations", "Milestone celebrations", "celebration", "wins"),
        new("leaderboard", "The weekly leaderboard post", "board", "leaderboards"),
    ];

    /// <summary>Planning a group study session (issue 16): the same options for admins and, when allowed, members.</summary>
    private static CommandDefinition SessionPlan(string root) => new("plan", "Plan a group study session, weekly (a weekday) or once (a date)")
    {
        Example = $"/{root} session plan monday 19:00 60 #study-hall linear algebra",
        Options =
        [
            new("day", OptionType.String, "A weekday for a weekly session, or a date (2026-12-10, today, tomorrow) for one") { Required = true, MaxLength = 20, Hint = "day|date" },
            Time("time", "Local time in the community's zone, e.g. 19:00 or 7pm", required: true),
            new("minutes", OptionType.Minutes, "How long, 10 minutes to 4 hours (1h30 works)") { Required = true, Min = 1, Max = 960 },
            new("channel", OptionType.Channel, "Where to post it (default: the celebrations channel)") { MaxLength = 100, Hint = "#channel" },
            new("topic", OptionType.String, "What you'll study together") { MaxLength = 100, TakesRest = true },
        ],
    };

    /// <summary>Several roadmaps per community (issue 17): the roadmap a member follows, by id; in text "roadmap &lt;id&gt;".</summary>
    private static OptionDefinition FollowRoadmap(string description) =>
        new("roadmap", OptionType.String, description) { MaxLength = 64, Autocomplete = AutocompleteSource.Roadmaps, Keyword = true, Hint = "roadmap <id>" };

    private static OptionDefinition RoadmapId(string description) =>
        new("id", OptionType.String, description) { Required = true, MaxLength = 64, Autocomplete = AutocompleteSource.Roadmaps, Hint = "roadmap id" };

    private static OptionDefinition SessionId() => new("id", OptionType.Integer, "The session's number, as /progress sessions shows it") { Required = true, Min = 1, Hint = "number" };

    public static CommandCatalog Catalog() => new([Progress(), Studybot()]);

    // Languages: the member's reply language and the community's default (handlers in Handlers/LanguageHandlers.cs).
    private static OptionDefinition LanguageCode(string description, string hint) =>
        new("code", OptionType.String, description) { Required = true, MaxLength = 200, Hint = hint };

    private static CommandDefinition MemberLanguage() => new("language", "The language StudyBot replies to you in (en, de, or auto)")
    {
        Example = "/progress me language de",
        Options = [LanguageCode("A language code such as en or de; auto follows your app's language", "en|de|auto")],
    };

    private static CommandDefinition CommunityLanguage() => new("language", "The community's default reply language (en or de)")
    {
        Section = "Data, settings and help",
        Example = "/studybot language de",
        Options = [LanguageCode("A language code such as en or de", "en|de")],
    };

    /// <summary>Admin commands: Discord members need Manage Server, Slack members must be workspace admins.</summary>
    public static CommandDefinition Studybot() => new(AdminRoot, "Set up StudyBot for this community (admins)")
    {
        AdminOnly = true,
        Subcommands =
        [
            new("channel", "Choose the channel for celebrations or the weekly leaderboard")
            {
                Section = "Channels and schedules",
                Example = "/studybot channel celebrations #wins",
                Options =
                [
                    new("kind", OptionType.String, "Which posts go there") { Required = true, Choices = ChannelKinds },
                    new("channel", OptionType.Channel, "The channel, e.g. #wins") { Required = true, MaxLength = 100, Hint = "#channel" },
                ],
            },
            new("timezone", "Set the community's time zone for scheduled posts")
            {
                Section = "Channels and schedules",
                Example = "/studybot timezone Europe/Berlin",
                Options =
                [
                    new("zone", OptionType.String, "An IANA time zone such as Europe/Berlin") { Required = true, MaxLength = 64, Autocomplete = AutocompleteSource.TimeZones, Hint = "IANA zone", TakesRest = true },
                ],
            },
            new("leaderboard", "Schedule the weekly leaderboard post")
            {
                Section = "Channels and schedules",
                Subcommands =
                [
                    new("schedule", "Set the day and time of the weekly leaderboard post")
                    {
                        Example = "/studybot leaderboard schedule monday 09:00",
                        Options =
                        [
                            new("day", OptionType.String, "Day of the week, e.g. monday") { Required = true, MaxLength = 12 },
                            Time("time", "Local time, e.g. 09:00 or 9am", required: true),
                        ],
                    },
                ],
            },
            new("reminders", "Limit how many reminders members get")
            {
                Section = "Channels and schedules",
                Subcommands =
                [
                    new("max-per-week", "The most reminder DMs a member gets in a week (default 2)")
                    {
                        Example = "/studybot reminders max-per-week 2",
                        Options = [new("count", OptionType.Integer, "From 1 to 7") { Required = true, Min = 1, Max = 7, Hint = "1-7" }],
                    },
                ],
            },
            new("partners", "Study-partner matching")
            {
                Section = "Study partners",
                Subcommands =
                [
                    new("match", "Match everyone waiting in the pool now") { Example = "/studybot partners match" },
                    new("schedule", "Match partners every week at a set time (or off)")
                    {
                        Example = "/studybot partners schedule monday 10:00",
                        Options =
                        [
                            new("day", OptionType.String, "Day of the week, or off") { Required = true, MaxLength = 12, Hint = "day|off" },
                            Time("time", "Local time, e.g. 10:00 or 10am", required: false),
                        ],
                    },
                ],
            },
            new("session", "Group study sessions")
            {
                Section = "Study sessions",
                Subcommands =
                [
                    SessionPlan(AdminRoot),
                    new("cancel", "Cancel a session; members who said going or maybe are told") { Example = "/studybot session cancel 3", Options = [SessionId()] },
                    new("members", "Let members plan sessions too (on), or only admins (off)")
                    {
                        Example = "/studybot session members on",
                        Options = [new("allowed", OptionType.String, "on or off") { Required = true, Choices = OnOff }],
                    },
                ],
            },
            new("roles", "Discord roles for members who complete a phase")
            {
                Section = "Phase roles (Discord)",
                Subcommands =
                [
                    new("map", "Completing a phase grants a role, e.g. ML Basics graduate")
                    {
                        Example = "/studybot roles map ml-basics @ML Basics graduate",
                        Options =
                        [
                            new("phase", OptionType.String, "A phase number, id or name") { Required = true, MaxLength = 60, Autocomplete = AutocompleteSource.Phases },
                            new("role", OptionType.Role, "The role to grant; it must sit below StudyBot's role") { Required = true, MaxLength = 100, TakesRest = true },
                        ],
                    },
                    new("unmap", "Stop granting a role for a phase")
                    {
                        Example = "/studybot roles unmap ml-basics",
                        Options = [new("phase", OptionType.String, "A phase number, id or name") { Required = true, MaxLength = 60, Autocomplete = AutocompleteSource.Phases, TakesRest = true }],
                    },
                    new("show", "See which role each phase grants, and any problems") { Example = "/studybot roles show" },
                    new("sync", "Grant the mapped roles for phases completed in the past") { Example = "/studybot roles sync" },
                ],
            },
            new("rooms", "Voice channels whose time counts as study time (Discord)")
            {
                Section = "Voice study rooms (Discord)",
                DefaultSubcommand = "list",
                Subcommands =
                [
                    new("add", "Mark a voice channel as a study room")
                    {
                        Example = "/studybot rooms add #Study Room",
                        Options = [new("channel", OptionType.Channel, "A voice or stage channel") { Required = true, MaxLength = 100, Hint = "#voice-channel", TakesRest = true }],
                    },
                    new("remove", "Stop counting time in a study room")
                    {
                        Example = "/studybot rooms remove #Study Room",
                        Options = [new("channel", OptionType.Channel, "One of the study rooms") { Required = true, MaxLength = 100, Hint = "#voice-channel", TakesRest = true }],
                    },
                    new("list", "See the study rooms") { Example = "/studybot rooms list" },
                ],
            },
            new("roadmap", "Which roadmaps members can follow here, and the default for newcomers")
            {
                Section = "Roadmaps",
                DefaultSubcommand = "list",
                Subcommands =
                [
                    new("list", "Every roadmap StudyBot has: enabled here or not, the default, how many follow each") { Example = "/studybot roadmap list" },
                    new("enable", "Let members follow a roadmap") { Example = "/studybot roadmap enable data-engineering", Options = [RoadmapId("The roadmap's id, as the list shows it")] },
                    new("disable", "Stop newcomers picking a roadmap (its members keep it)") { Example = "/studybot roadmap disable data-engineering", Options = [RoadmapId("An enabled roadmap that is not the default")] },
                    new("default", "The roadmap newcomers follow (it must be enabled)") { Example = "/studybot roadmap default data-engineering", Options = [RoadmapId("An enabled roadmap")] },
                ],
            },
            new("export", "Export this community's StudyBot data (a JSON file)") { Section = "Data, settings and help", Example = "/studybot export" },
            new("show", "See this community's StudyBot settings") { Section = "Data, settings and help", Example = "/studybot show" },
            CommunityLanguage(),
            new("status", "See how StudyBot is doing here: connection, commands, deliveries, problems") { Section = "Data, settings and help", Example = "/studybot status" },
            new("help", "List the admin commands, or explain one")
            {
                Section = "Data, settings and help",
                Example = "/studybot help roles map",
                Options = [HelpTopic("An admin command to explain, such as roles map")],
            },
        ],
    };

    public static CommandDefinition Progress() => new(Root, "Track your progress on the study roadmap")
    {
        DefaultSubcommand = "overview",
        Subcommands =
        [
            new("overview", "See your progress, current phase and what is next") { Section = "Start and see where you stand", Example = "/progress" },
            new("start", "Start the roadmap: pick your learner profile and pace")
            {
                Section = "Start and see where you stand",
                Example = "/progress start programmer part-time",
                Options =
                [
                    new("profile", OptionType.String, "Which of the guide's learner profiles fits you") { Choices = Profiles },
                    new("pace", OptionType.String, "How much time you can give each week") { Choices = Paces },
                    new("hours", OptionType.Integer, "Hours per week, for a custom pace") { Min = 1, Max = 80 },
                    FollowRoadmap("Which roadmap to follow, if this community offers several (default: its default)"),
                ],
            },
            new("path", "See or change your path and pace")
            {
                Section = "Start and see where you stand",
                Example = "/progress path accelerated full-time",
                Options =
                [
                    new("path", OptionType.String, "Standard or accelerated path") { Choices = Paths },
                    new("pace", OptionType.String, "How much time you can give each week") { Choices = Paces },
                    new("hours", OptionType.Integer, "Hours per week, for a custom pace") { Min = 1, Max = 80 },
                    FollowRoadmap("Switch to another roadmap of this community; your progress on each is kept"),
                ],
            },
            new("done", "Mark a roadmap item as done")
            {
                Section = "Mark your items",
                Example = "/progress done numpy",
                Options = [Item("The module, milestone item or project (id or title)")],
            },
            new("doing", "Mark a roadmap item as in progress")
            {
                Section = "Mark your items",
                Example = "/progress doing pandas",
                Options = [Item("The module, milestone item or project (id or title)")],
            },
            new("skip", "Skip an item, or a whole phase you already know")
            {
                Section = "Mark your items",
                Example = "/progress skip foundation known",
                Options =
                [
                    new("item", OptionType.String, "The item, or a phase to skip all its open items")
                    {
                        Hint = "item or phase",
                        Required = true,
                        MaxLength = 100,
                        Autocomplete = AutocompleteSource.ItemsAndPhases,
                        TakesRest = true,
                    },
                    new("reason", OptionType.String, "Why you skip it (default: you already know it)") { Choices = SkipReasons },
                ],
            },
            new("undo", "Undo your last item change or logged time (repeat to go further back)") { Section = "Mark your items", Example = "/progress undo" },
            // Issue 20: a private note and links on an item (Handlers/NoteHandlers.cs, Core/Notes).
            new("note", "Your private note and links on an item")
            {
                Section = "Mark your items",
                Example = "/progress note numpy practise broadcasting again",
                Options =
                [
                    Item("The item (id or title)", rest: false),
                    new("text", OptionType.String, "Your note, link <url>, or clear; empty shows it")
                    {
                        MaxLength = Notes.NoteLimits.MaxText,
                        TakesRest = true,
                        Verbatim = true,
                        Noun = "note",
                        Hint = "text|link <url>|clear",
                    },
                ],
            },
            new("next", "See what to study next") { Section = "Start and see where you stand", Example = "/progress next" },
            new("roadmap", "See the whole roadmap or one phase")
            {
                Section = "Start and see where you stand",
                Example = "/progress roadmap 1",
                Options =
                [
                    new("phase", OptionType.String, "A phase number or name, or 'projects', 'levels', 'tips'")
                    {
                        Hint = "phase|projects|levels|tips|accelerated|quick-wins|estimates|motivation",
                        MaxLength = 60,
                        Autocomplete = AutocompleteSource.Phases,
                        TakesRest = true,
                    },
                ],
            },
            new("log", "Log study time")
            {
                Section = "Log time and set goals",
                Example = "/progress log 45 practice numpy",
                Options =
                [
                    new("minutes", OptionType.Minutes, "Minutes studied (1-960); text also takes 1h30") { Required = true, Min = 1, Max = 960 },
                    new("kind", OptionType.String, "Practice, learning or review (the 70/20/10 split)") { Required = true, Choices = StudyKinds },
                    Item("The roadmap item you worked on", required: false, rest: false),
                    new("note", OptionType.String, "A short note for yourself") { MaxLength = 200, TakesRest = true },
                ],
            },
            new("focus", "Focus sessions: a timer that logs its minutes when it ends")
            {
                Section = "Log time and set goals",
                DefaultSubcommand = "start",
                Subcommands =
                [
                    new("start", "Start a focus session (default 25 minutes), or see the one running")
                    {
                        Example = "/progress focus 25 practice numpy",
                        Options =
                        [
                            new("minutes", OptionType.Minutes, "How long to focus, 5 to 180 minutes (default 25)") { Min = 5, Max = 180 },
                            new("kind", OptionType.String, "Practice (default), learning or review") { Choices = StudyKinds },
                            Item("The roadmap item you'll work on", required: false),
                        ],
                    },
                    new("stop", "End your focus session (or break) early") { Example = "/progress focus stop" },
                    new("break", "Start a break: 5 minutes, 15 after every fourth session") { Example = "/progress focus break" },
                    new("log", "Log your ended focus session") { Example = "/progress focus log", Options = [FocusSession()] },
                    new("extend", "Add 5 minutes to your focus session") { Example = "/progress focus extend", Options = [FocusSession()] },
                    new("discard", "Don't log your ended focus session") { Example = "/progress focus discard", Options = [FocusSession()] },
                ],
            },
            new("goal", "Set and see your weekly or monthly goal")
            {
                Section = "Log time and set goals",
                Subcommands =
                [
                    new("set", "Set your weekly or monthly goal in hours or items")
                    {
                        Example = "/progress goal set 10 hours week",
                        Options =
                        [
                            new("amount", OptionType.Integer, "How many hours or items (at most 112 hours a week)") { Required = true, Min = 1 },
                            new("unit", OptionType.String, "Hours (default) or roadmap items") { Choices = GoalUnits },
                            new("period", OptionType.String, "Per week (default) or per month") { Choices = GoalPeriods },
                        ],
                    },
                    new("show", "See your goals and how this period is going") { Example = "/progress goal show" },
                    new("suggest", "Get a goal suggestion from the estimates and your pace") { Example = "/progress goal suggest" },
                ],
            },
            new("streak", "See your weekly streak and freezes") { Section = "Start and see where you stand", Example = "/progress streak" },
            new("card", "Your progress as an image to keep or share (only you see it)") { Section = "Start and see where you stand", Example = "/progress card" },
            new("remind", "Plan your study time and get a weekly reminder by DM")
            {
                Section = "Plan, reminders and rest",
                DefaultSubcommand = "show",
                Subcommands =
                [
                    new("plan", "Your study plan: days, local time and place; the reminder follows it")
                    {
                        Example = "/progress remind plan weekdays 19:00 library",
                        Options =
                        [
                            new("days", OptionType.String, "weekdays, weekends, daily, or days like mon,wed,fri") { Required = true, MaxLength = 40, Noun = "list of days" },
                            Time("time", "Local time, e.g. 19:00 or 7pm", required: true),
                            new("frequency", OptionType.String, "Remind once a week (default) or on each planned day") { Choices = Frequencies },
                            new("where", OptionType.String, "Where you study, e.g. library") { MaxLength = 60, TakesRest = true, Noun = "place" },
                        ],
                    },
                    new("show", "See your plan and when the next reminder comes") { Example = "/progress remind show" },
                    new("on", "Turn your reminders back on") { Example = "/progress remind on" },
                    new("off", "Turn your reminders off") { Example = "/progress remind off" },
                    new("snooze", "Put off your reminder")
                    {
                        Example = "/progress remind snooze tomorrow",
                        Options = [new("duration", OptionType.String, "1h, tonight, tomorrow or 1w") { Required = true, Choices = Snoozes }],
                    },
                    new("quiet", "Hours without DMs, e.g. 22:00 07:00 (or off)")
                    {
                        Example = "/progress remind quiet 22:00 07:00",
                        Options =
                        [
                            Time("from", "Start of quiet hours (e.g. 22:00 or 10pm), or off", true, "off", "none"),
                            Time("to", "End of quiet hours (e.g. 07:00 or 7am)", required: false),
                        ],
                    },
                ],
            },
            new("rest", "Rest mode: pause reminders and your streak")
            {
                Section = "Plan, reminders and rest",
                DefaultSubcommand = "start",
                Subcommands =
                [
                    new("start", "Start resting, until a date or until you end it")
                    {
                        Example = "/progress rest until 2026-12-31",
                        Options = [new("until", OptionType.String, "The last day of rest: a date (2026-12-31), 3d, 2w or a weekday") { MaxLength = 30, TakesRest = true, Hint = "until <date|3d|2w|weekday>" }],
                    },
                    new("end", "End rest mode") { Example = "/progress rest end" },
                ],
            },
            new("board", "The leaderboard (only you see it)")
            {
                Section = "Leaderboard and partners",
                Example = "/progress board week points",
                Options =
                [
                    new("period", OptionType.String, "This week (default), this month or all time") { Choices = BoardPeriods },
                    new("metric", OptionType.String, "Points (default), minutes, consistency, improved or focus") { Choices = BoardMetrics },
                ],
            },
            new("partner", "Find a study partner and keep each other going")
            {
                Section = "Leaderboard and partners",
                DefaultSubcommand = "status",
                Subcommands =
                [
                    new("find", "Join the pool: you'll be matched by phase, pace and study times") { Example = "/progress partner find" },
                    new("status", "See how your study partner is doing") { Example = "/progress partner status" },
                    new("nudge", "Send your partner a friendly nudge (once a day)") { Example = "/progress partner nudge" },
                    new("leave", "Leave your partnership (or the pool)") { Example = "/progress partner leave" },
                ],
            },
            new("sessions", "The next group study sessions, in your time") { Section = "Study together", Example = "/progress sessions" },
            new("session", "Group study sessions: answer, check in, or plan one")
            {
                Section = "Study together",
                Subcommands =
                [
                    new("going", "Say you're coming to a session (you get a reminder)") { Example = "/progress session going 3", Options = [SessionId()] },
                    new("maybe", "Say you might come to a session") { Example = "/progress session maybe 3", Options = [SessionId()] },
                    new("cant", "Say you can't come to a session") { Example = "/progress session cant 3", Options = [SessionId()] },
                    new("checkin", "Check in to a session that is on: its time counts as study time") { Example = "/progress session checkin 3", Options = [SessionId()] },
                    SessionPlan(Root),
                ],
            },
            new("me", "Your privacy and celebration settings")
            {
                Section = "Your settings, data and help",
                Subcommands =
                [
                    new("privacy", "Who sees your progress on boards")
                    {
                        Example = "/progress me privacy partners",
                        Options = [new("level", OptionType.String, "public, partners or private") { Required = true, Choices = PrivacyLevels }],
                    },
                    new("export", "Get a copy of all your StudyBot data (a JSON file)") { Example = "/progress me export" },
                    new("delete", "Delete your StudyBot data in this community (asks first)")
                    {
                        Example = "/progress me delete confirm",
                        Options = [new("confirm", OptionType.String, "Type confirm to delete for good") { Choices = [new("confirm", "Yes, delete my data", "yes")] }],
                    },
                    new("rooms", "Whether your time in voice study rooms counts (Discord)")
                    {
                        Example = "/progress me rooms ignore",
                        Options = [new("choice", OptionType.String, "track or ignore") { Required = true, Choices = [new("track", "Count my time in study rooms"), new("ignore", "Don't track me in study rooms")] }],
                    },
                    new("focus", "Log ended focus sessions by themselves after an hour, or not")
                    {
                        Example = "/progress me focus autolog off",
                        Options =
                        [
                            new("setting", OptionType.String, "The focus setting: autolog") { Required = true, Choices = FocusSettings },
                            new("value", OptionType.String, "on or off") { Required = true, Choices = OnOff },
                        ],
                    },
                    MemberLanguage(),
                    new("celebrate", "Where your milestone celebrations go")
                    {
                        Example = "/progress me celebrate dm",
                        Options = [new("where", OptionType.String, "public, dm or none") { Required = true, Choices = CelebrationChoices }],
                    },
                ],
            },
            // The web side (issue 20): a sign-in link, signing out everywhere, and a share link for the progress card.
            new("web", "Sign in to StudyBot's web pages, or share your progress card")
            {
                Section = "Web pages",
                DefaultSubcommand = "link",
                Subcommands =
                [
                    new("link", "Get a personal sign-in link for the web pages (only you see it)") { Example = "/progress web link" },
                    new("signout", "Sign out of the web pages on every device") { Example = "/progress web signout" },
                    new("share", "A link to your progress card anyone can open, or off to stop sharing")
                    {
                        Example = "/progress web share",
                        Options = [new("state", OptionType.String, "on: a new link (the old one stops working); off: stop sharing") { Choices = [new("on", "Share (a new link)", "new"), new("off", "Stop sharing", "revoke", "stop")] }],
                    },
                ],
            },
            new("timezone", "Set your time zone, so weeks start on your Monday")
            {
                Section = "Your settings, data and help",
                Example = "/progress timezone Europe/Berlin",
                Options =
                [
                    new("zone", OptionType.String, "An IANA time zone such as Europe/Berlin or America/New_York")
                    {
                        Hint = "IANA zone",
                        Required = true,
                        MaxLength = 64,
                        Autocomplete = AutocompleteSource.TimeZones,
                        TakesRest = true,
                    },
                ],
            },
            new("help", "List the commands, or explain one")
            {
                Section = "Your settings, data and help",
                Example = "/progress help log",
                Options = [HelpTopic("A command to explain, such as log or goal set")],
            },
        ],
    };
}

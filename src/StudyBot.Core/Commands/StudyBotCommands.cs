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

    public static CommandCatalog Catalog() => new([Progress()]);

    public static CommandDefinition Progress() => new(Root, "Track your progress on the study roadmap")
    {
        DefaultSubcommand = "overview",
        Subcommands =
        [
            new("overview", "See your progress, current phase and what is next") { Example = "/progress" },
            new("start", "Start the roadmap: pick your learner profile and pace")
            {
                Example = "/progress start programmer part-time",
                Options =
                [
                    new("profile", OptionType.String, "Which of the guide's learner profiles fits you") { Choices = Profiles },
                    new("pace", OptionType.String, "How much time you can give each week") { Choices = Paces },
                    new("hours", OptionType.Integer, "Hours per week, for a custom pace") { Min = 1, Max = 80 },
                ],
            },
            new("path", "See or change your path and pace")
            {
                Example = "/progress path accelerated full-time",
                Options =
                [
                    new("path", OptionType.String, "Standard or accelerated path") { Choices = Paths },
                    new("pace", OptionType.String, "How much time you can give each week") { Choices = Paces },
                    new("hours", OptionType.Integer, "Hours per week, for a custom pace") { Min = 1, Max = 80 },
                ],
            },
            new("done", "Mark a roadmap item as done")
            {
                Example = "/progress done numpy",
                Options = [Item("The module, milestone item or project (id or title)")],
            },
            new("doing", "Mark a roadmap item as in progress")
            {
                Example = "/progress doing pandas",
                Options = [Item("The module, milestone item or project (id or title)")],
            },
            new("skip", "Skip an item, or a whole phase you already know")
            {
                Example = "/progress skip foundation known",
                Options =
                [
                    new("item", OptionType.String, "The item, or a phase to skip all its open items")
                    {
                        Required = true,
                        MaxLength = 100,
                        Autocomplete = AutocompleteSource.ItemsAndPhases,
                        TakesRest = true,
                    },
                    new("reason", OptionType.String, "Why you skip it (default: you already know it)") { Choices = SkipReasons },
                ],
            },
            new("undo", "Undo your last change") { Example = "/progress undo" },
            new("next", "See what to study next") { Example = "/progress next" },
            new("roadmap", "See the whole roadmap or one phase")
            {
                Example = "/progress roadmap 1",
                Options =
                [
                    new("phase", OptionType.String, "A phase number or name, or 'projects', 'levels', 'tips'")
                    {
                        MaxLength = 60,
                        Autocomplete = AutocompleteSource.Phases,
                        TakesRest = true,
                    },
                ],
            },
            new("log", "Log study time")
            {
                Example = "/progress log 45 practice numpy",
                Options =
                [
                    new("minutes", OptionType.Minutes, "Minutes studied (1-960); text also takes 1h30") { Required = true, Min = 1, Max = 960 },
                    new("kind", OptionType.String, "Practice, learning or review (the 70/20/10 split)") { Required = true, Choices = StudyKinds },
                    Item("The roadmap item you worked on", required: false, rest: false),
                    new("note", OptionType.String, "A short note for yourself") { MaxLength = 200, TakesRest = true },
                ],
            },
            new("goal", "Set and see your weekly or monthly goal")
            {
                Subcommands =
                [
                    new("set", "Set your weekly or monthly goal in hours or items")
                    {
                        Example = "/progress goal set 10 hours week",
                        Options =
                        [
                            new("amount", OptionType.Integer, "How many hours or items") { Required = true, Min = 1, Max = 500 },
                            new("unit", OptionType.String, "Hours (default) or roadmap items") { Choices = GoalUnits },
                            new("period", OptionType.String, "Per week (default) or per month") { Choices = GoalPeriods },
                        ],
                    },
                    new("show", "See your goals and how this period is going") { Example = "/progress goal show" },
                    new("suggest", "Get a goal suggestion from the estimates and your pace") { Example = "/progress goal suggest" },
                ],
            },
            new("streak", "See your weekly streak and freezes") { Example = "/progress streak" },
            new("timezone", "Set your time zone, so weeks start on your Monday")
            {
                Example = "/progress timezone Europe/Berlin",
                Options =
                [
                    new("zone", OptionType.String, "An IANA time zone such as Europe/Berlin or America/New_York")
                    {
                        Required = true,
                        MaxLength = 64,
                        Autocomplete = AutocompleteSource.TimeZones,
                    },
                ],
            },
            new("help", "List the commands, or explain one")
            {
                Example = "/progress help log",
                Options =
                [
                    new("command", OptionType.String, "A command to explain, such as log or goal set")
                    {
                        MaxLength = 60,
                        Autocomplete = AutocompleteSource.Commands,
                        TakesRest = true,
                    },
                ],
            },
        ],
    };
}

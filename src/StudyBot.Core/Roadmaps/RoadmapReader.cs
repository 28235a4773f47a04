using System.Diagnostics;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StudyBot.Core.Roadmaps;

public static partial class RoadmapLoader
{
    /// <summary>
    /// Reads one roadmap file's tree, collecting every problem with its position. A problem that makes an entry
    /// unreadable (a missing required key, a wrong shape) skips that entry (<see cref="Skip"/>) and reading goes on
    /// with the next one, so one run finds as many problems as it can.
    /// </summary>
    private sealed class Reader(string file, string yaml, string? wantedLanguage)
    {
        private readonly Dictionary<string, Mark> _ids = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Kind, Mark Mark)> _tracked = new(StringComparer.Ordinal);
        private readonly Dictionary<string, IReadOnlyList<string>> _replaces = new(StringComparer.Ordinal);
        private readonly List<(string NewId, string OldId, YamlNode Node)> _replaceEntries = [];
        private readonly List<string> _phaseIds = [];
        private readonly Dictionary<string, string> _milestoneOfPhase = new(StringComparer.Ordinal);
        private readonly List<string> _languages = [];
        private string _mainLanguage = DefaultLanguage;

        public List<RoadmapProblem> Problems { get; } = [];

        public Mark RoadmapIdMark { get; private set; } = Mark.Empty;

        public Dictionary<string, (long Line, long Column)> TrackedIds =>
            _tracked.ToDictionary(p => p.Key, p => (p.Value.Mark.Line, p.Value.Mark.Column), StringComparer.Ordinal);

        public void Report(YamlNode node, string problem) => Report(node.Start, problem);

        public void Report(Mark mark, string problem) =>
            Problems.Add(new RoadmapProblem(file, Math.Max(1, mark.Line), Math.Max(1, mark.Column), problem));

        /// <summary>Reports a problem that makes the current entry unreadable; throw the result.</summary>
        public Skip Fail(YamlNode node, string problem)
        {
            Report(node, problem);
            return new Skip();
        }

        public static T Guard<T>(Func<T> read, T fallback)
        {
            try
            {
                return read();
            }
            catch (Skip)
            {
                return fallback;
            }
        }

        public MapReader Map(YamlNode node, string what, string path) =>
            node is YamlMappingNode map ? new MapReader(this, map, what, path) : throw Fail(node, $"{what} must be a mapping of keys to values (key: value lines)");

        /// <summary>Reads a list; an entry that cannot be read is skipped (its problem is reported) and the rest are read.</summary>
        public List<T> Seq<T>(YamlNode node, string what, Func<YamlNode, int, T> read)
        {
            if (node is not YamlSequenceNode seq)
            {
                throw Fail(node, $"{what} must be a list (lines starting with '- ', or [a, b])");
            }

            var result = new List<T>();
            for (var i = 0; i < seq.Children.Count; i++)
            {
                try
                {
                    result.Add(read(seq.Children[i], i));
                }
                catch (Skip)
                {
                    // Reported; read the next entry.
                }
            }

            return result;
        }

        public string Scalar(YamlNode node, string what)
        {
            if (node is not YamlScalarNode { Value: { } value })
            {
                throw Fail(node, $"{what} must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
            }

            return value.Trim();
        }

        /// <summary>Reads an entry's id: required, kebab-case, unique in the file. Phase, milestone and item ids are tracked across files.</summary>
        public string Id(MapReader map, string? trackedKind = null)
        {
            var node = map.Required("id");
            var id = Scalar(node, $"the id of {map.What}");
            if (!KebabCase().IsMatch(id))
            {
                Report(node, $"id '{id}' of {map.What} is not kebab-case; use lowercase letters, digits and single hyphens, e.g. '{Kebab(id)}'");
            }

            if (_ids.TryGetValue(id, out var first))
            {
                Report(node, $"duplicate id '{id}' (first used on line {first.Line}, column {first.Column}); every id in the file must be unique, so rename one of them");
            }
            else
            {
                _ids[id] = node.Start;
                if (trackedKind is not null)
                {
                    _tracked[id] = (trackedKind, node.Start);
                }
            }

            return id;
        }

        private static string Kebab(string id)
        {
            var chars = new System.Text.StringBuilder();
            var previous = ' ';
            foreach (var c in id.Trim())
            {
                var after = previous;
                previous = c;
                if (char.IsAsciiLetterOrDigit(c))
                {
                    if (char.IsUpper(c) && char.IsLower(after) && chars.Length > 0 && chars[^1] != '-')
                    {
                        chars.Append('-');
                    }

                    chars.Append(char.ToLowerInvariant(c));
                }
                else if (chars.Length > 0 && chars[^1] != '-')
                {
                    chars.Append('-');
                }
            }

            var kebab = chars.ToString().Trim('-');
            return kebab.Length == 0 ? "my-id" : kebab;
        }

        /// <summary>Reads an item's optional <c>replaces</c>: the ids it took over from an earlier version.</summary>
        public void Replaces(MapReader map, string id)
        {
            if (map.Optional("replaces") is not { } node)
            {
                return;
            }

            var old = Seq(node, $"the replaces of {map.What}", (n, _) =>
            {
                var oldId = Scalar(n, $"an entry of the replaces of {map.What}");
                if (!KebabCase().IsMatch(oldId))
                {
                    Report(n, $"'{oldId}' in the replaces of {map.What} is not a kebab-case id; list the old ids exactly as the earlier version had them");
                }

                _replaceEntries.Add((id, oldId, n));
                return oldId;
            });
            if (old.Count > 0)
            {
                _replaces[id] = old;
            }
        }

        /// <summary>A prose field: a plain string, or a map of language code to text that must include the file's main language.</summary>
        public string? Text(MapReader map, string key)
        {
            Debug.Assert(TextKeys.Contains(key), $"'{key}' is not a text key");
            var node = map.Optional(key);
            return node switch
            {
                null => null,
                YamlMappingNode translations => Translated(translations, $"the {key} of {map.What}"),
                _ => Scalar(node, $"the {key} of {map.What}"),
            };
        }

        private string Translated(YamlMappingNode node, string what)
        {
            string? main = null;
            string? wanted = null;
            string? any = null;
            foreach (var (k, v) in node.Children)
            {
                var code = (k as YamlScalarNode)?.Value?.Trim() ?? "";
                if (!IsLanguageCode(code))
                {
                    Report(k, $"'{code}' in {what} is not a language code; use one like en, de or pt-BR");
                    continue;
                }

                string text;
                try
                {
                    text = Scalar(v, $"the '{code}' text of {what}");
                }
                catch (Skip)
                {
                    continue;
                }

                any ??= text;
                var name = CultureName(code);
                if (!_languages.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    _languages.Add(name);
                }

                if (string.Equals(name, _mainLanguage, StringComparison.OrdinalIgnoreCase))
                {
                    main = text;
                }

                if (wantedLanguage is not null && string.Equals(name, wantedLanguage, StringComparison.OrdinalIgnoreCase))
                {
                    wanted = text;
                }
            }

            if (main is null)
            {
                Report(node, $"{what} has no text in the file's main language '{_mainLanguage}'; add '{_mainLanguage}: ...' to it (the main language is the top-level 'language', en when the file does not say)");
            }

            // Without the main language, any text keeps the problem from showing again as an empty title.
            return wanted ?? main ?? any ?? "";
        }

        public string Title(MapReader map, string key = "title")
        {
            var title = Text(map, key);
            if (title is null)
            {
                Report(map.Node, $"{map.What} has no {key}; add '{key}: ...'");
                return "";
            }

            if (title.Length == 0)
            {
                Report(map.Optional(key)!, $"{map.What} has an empty {key}; write one");
            }

            return title;
        }

        public int Int(YamlNode node, string what, int min, int max)
        {
            var text = Scalar(node, what);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                Report(node, $"{what} must be a whole number from {min} to {max}, not '{text}'");
                return min;
            }

            return value;
        }

        public double Number(YamlNode node, string what)
        {
            var text = Scalar(node, what);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 1000)
            {
                Report(node, $"{what} must be a number from 0 to 1000, not '{text}'");
                return 0;
            }

            return value;
        }

        public bool Bool(YamlNode node, string what)
        {
            var text = Scalar(node, what);
            switch (text)
            {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    Report(node, $"{what} must be true or false, not '{text}'");
                    return false;
            }
        }

        public List<string> Strings(YamlNode? node, string what) =>
            node is null ? [] : Seq(node, what, (n, _) => Scalar(n, $"an entry of {what}"));

        public MonthRange Range(YamlNode node, string what, string path)
        {
            var map = Map(node, what, path);
            var min = Number(map.Required("min"), $"the min of {what}");
            var max = Number(map.Required("max"), $"the max of {what}");
            map.Done();
            if (max < min)
            {
                Report(node, $"{what} has max {max.ToString(CultureInfo.InvariantCulture)} below min {min.ToString(CultureInfo.InvariantCulture)}; swap them");
            }

            return new MonthRange(min, max);
        }

        public Roadmap ReadRoadmap(MapReader root)
        {
            var version = 1;
            if (root.Optional("version") is { } versionNode)
            {
                version = Guard(() => Int(versionNode, "version", 1, 1_000_000), 1);
            }
            else
            {
                Report(root.Node, "the roadmap has no 'version'; add 'version: 1' at the top and raise it with each new version of the file");
            }

            if (root.Optional("language") is { } languageNode)
            {
                var code = Guard(() => Scalar(languageNode, "language"), null);
                if (code is not null && !IsLanguageCode(code))
                {
                    Report(languageNode, $"language '{code}' is not a language code; use one like en, de or pt-BR");
                }
                else if (code is not null)
                {
                    _mainLanguage = CultureName(code);
                }
            }

            _languages.Add(_mainLanguage);
            var id = Guard(
                () =>
                {
                    RoadmapIdMark = root.Optional("id")?.Start ?? root.Node.Start;
                    return Id(root);
                },
                "");
            var title = Title(root);
            var description = Text(root, "description");

            var phases = Guard(
                () =>
                {
                    var phasesNode = root.Required("phases");
                    var list = Seq(phasesNode, "phases", ReadPhase);
                    if (list.Count == 0 && phasesNode is YamlSequenceNode { Children.Count: 0 })
                    {
                        Report(phasesNode, "the roadmap has no phases; add at least one under 'phases:'");
                    }

                    return list;
                },
                []);

            var milestones = Guard(() => root.Optional("milestones") is { } mNode ? Seq(mNode, "milestones", (n, _) => ReadMilestone(n)) : [], []);
            var estimates = Guard(() => ReadEstimates(root.Required("timeEstimates")), new TimeEstimates(null, [], [], new MonthRange(0, 0), new MonthRange(0, 0)));
            var levels = Guard(() => root.Optional("levels") is { } lNode ? Seq(lNode, "levels", (n, _) => ReadLevel(n)) : [], []);
            var quickWins = Guard(() => root.Optional("quickWins") is { } qNode ? Seq(qNode, "quickWins", (n, _) => ReadQuickWinWeek(n)) : [], []);
            var accelerated = Guard(() => root.Optional("acceleratedPath") is { } aNode ? ReadAccelerated(aNode) : null, null);
            var allocation = Guard(
                () =>
                {
                    if (root.Optional("allocation") is not { } alNode)
                    {
                        return [];
                    }

                    var buckets = Seq(alNode, "allocation", (n, _) => ReadBucket(n));
                    if (buckets.Count > 0 && buckets.Sum(b => b.Percent) != 100)
                    {
                        Report(alNode, $"allocation percentages add up to {buckets.Sum(b => b.Percent)}, not 100; change the percents so they add up to 100");
                    }

                    return buckets;
                },
                []);
            var profiles = Guard(() => root.Optional("profiles") is { } pNode ? Seq(pNode, "profiles", (n, _) => ReadProfile(n)) : [], []);
            var motivation = Guard(() => ReadTitledList(root.Optional("motivation"), "motivation", "motivation"), []);
            var loop = Guard(() => ReadTitledList(root.Optional("learningLoop"), "learningLoop", "learningLoop"), []);
            var certification = Guard(
                () =>
                {
                    if (root.Optional("certification") is not { } cNode)
                    {
                        return null;
                    }

                    var cMap = Map(cNode, "certification", "certification");
                    var result = new Certification(Text(cMap, "note"), ReadTitledList(cMap.Required("steps"), "certification steps", "certification.steps"));
                    cMap.Done();
                    return result;
                },
                null);
            var nextSteps = Guard(() => ReadTitledList(root.Optional("nextSteps"), "nextSteps", "nextSteps"), []);
            var retired = Guard(() => root.Optional("retired") is { } rNode ? Seq(rNode, "retired", (n, _) => (Id: Scalar(n, "an entry of retired"), Node: n)) : [], []);
            root.Done();
            CheckVersions(retired);

            return new Roadmap
            {
                Id = id,
                Version = version,
                Title = title,
                Description = description,
                SourceFile = file,
                Phases = phases,
                Milestones = milestones,
                TimeEstimates = estimates,
                Levels = levels,
                QuickWins = quickWins,
                AcceleratedPath = accelerated,
                Allocation = allocation,
                Profiles = profiles,
                Motivation = motivation,
                LearningLoop = loop,
                Certification = certification,
                NextSteps = nextSteps,
                Replaces = _replaces,
                Retired = retired.Select(r => r.Id).ToList(),
                Language = _mainLanguage,
                Languages = _languages,
                TextLanguage = wantedLanguage is not null && _languages.Contains(wantedLanguage, StringComparer.OrdinalIgnoreCase) ? CultureName(wantedLanguage) : _mainLanguage,
                Texts = new RoadmapTexts(yaml),
            };
        }

        /// <summary>The rules of <c>replaces</c> and <c>retired</c> (docs/roadmap-format.md, "Versions").</summary>
        private void CheckVersions(List<(string Id, YamlNode Node)> retired)
        {
            var inCycle = new HashSet<string>(StringComparer.Ordinal);
            var reportedCycles = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (newId, oldId, node) in _replaceEntries)
            {
                if (newId == oldId)
                {
                    Report(node, $"'{newId}' replaces itself; list under replaces only ids of an earlier version that this item takes over");
                    inCycle.Add(newId);
                    continue;
                }

                var path = PathOfReplaces(oldId, newId);
                if (path is not null)
                {
                    var cycle = new List<string> { newId };
                    cycle.AddRange(path);
                    foreach (var member in cycle)
                    {
                        inCycle.Add(member);
                    }

                    if (reportedCycles.Add(string.Join(",", cycle.Distinct().Order(StringComparer.Ordinal))))
                    {
                        var steps = string.Join(", ", cycle.Zip(cycle.Skip(1)).Select(p => $"'{p.First}' replaces '{p.Second}'"));
                        Report(node, $"a cycle of replaces: {steps}; an id can only be taken over by a newer one, so remove one of these replaces");
                    }
                }
            }

            foreach (var group in _replaceEntries.Where(e => e.NewId != e.OldId).GroupBy(e => e.OldId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                var first = group.First();
                foreach (var (newId, oldId, node) in group.Skip(1))
                {
                    Report(node, $"'{oldId}' is replaced twice: by '{first.NewId}' (line {first.Node.Start.Line}, column {first.Node.Start.Column}) and by '{newId}'; an old id goes to one item only (to merge, list several old ids under one item)");
                }
            }

            foreach (var (newId, oldId, node) in _replaceEntries)
            {
                if (newId != oldId && !inCycle.Contains(oldId) && _tracked.TryGetValue(oldId, out var still))
                {
                    Report(node, $"'{newId}' replaces '{oldId}', but '{oldId}' is still a {still.Kind} in this file (line {still.Mark.Line}); remove that {still.Kind} or the replaces entry");
                }
            }

            var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (id, node) in retired)
            {
                if (seen.TryGetValue(id, out var firstNode))
                {
                    Report(node, $"'{id}' is listed twice in retired (first on line {firstNode.Start.Line}); list it once");
                    continue;
                }

                seen[id] = node;
                if (!KebabCase().IsMatch(id))
                {
                    Report(node, $"'{id}' in retired is not a kebab-case id; list the old ids exactly as the earlier version had them");
                }

                if (_tracked.TryGetValue(id, out var used))
                {
                    Report(node, $"'{id}' is retired but still used by a {used.Kind} (line {used.Mark.Line}, column {used.Mark.Column}); remove it from retired or remove the {used.Kind}");
                }

                var replacedBy = _replaceEntries.FirstOrDefault(e => e.OldId == id && e.NewId != id);
                if (replacedBy.NewId is not null)
                {
                    Report(node, $"'{id}' is both retired and replaced by '{replacedBy.NewId}' (line {replacedBy.Node.Start.Line}); an old id is either retired (its history stays, it leaves percentages) or replaced (its progress moves), not both");
                }
            }
        }

        /// <summary>The chain of replaces from <paramref name="from"/> that reaches <paramref name="to"/>, or null.</summary>
        private List<string>? PathOfReplaces(string from, string to)
        {
            var queue = new Queue<List<string>>([[from]]);
            var visited = new HashSet<string>(StringComparer.Ordinal) { from };
            while (queue.Count > 0)
            {
                var path = queue.Dequeue();
                if (path[^1] == to)
                {
                    return path;
                }

                foreach (var next in _replaces.GetValueOrDefault(path[^1]) ?? [])
                {
                    if (visited.Add(next) || next == to)
                    {
                        queue.Enqueue([.. path, next]);
                    }
                }
            }

            return null;
        }

        private Phase ReadPhase(YamlNode node, int position)
        {
            var map = Map(node, "a phase", "phases");
            var id = Id(map, "phase");
            map.What = $"phase '{id}'";
            _phaseIds.Add(id);
            var numberNode = map.Required("number");
            var number = Int(numberNode, $"the number of {map.What}", 0, 99);
            if (number != position)
            {
                Report(numberNode, $"phase '{id}' is number {number} but is listed at position {position}; number phases 0, 1, 2, ... in order");
            }

            var title = Title(map);
            var color = Guard(() => map.OptionalScalar("color"), null);
            var ongoing = map.Optional("ongoing") is { } o && Guard(() => Bool(o, $"ongoing of {map.What}"), false);
            var modules = new List<Module>();
            if (map.Optional("modules") is not { } modulesNode)
            {
                Report(node, $"{map.What} is empty: it has no modules; add 'modules:' with at least one module");
            }
            else
            {
                modules = Guard(() => Seq(modulesNode, $"the modules of {map.What}", (n, _) => ReadModule(n)), []);
                if (modulesNode is YamlSequenceNode { Children.Count: 0 })
                {
                    Report(modulesNode, $"{map.What} is empty: it has no modules; add at least one module");
                }
            }

            map.Done();
            return new Phase(id, number, title, color, ongoing, modules);
        }

        private Module ReadModule(YamlNode node)
        {
            var map = Map(node, "a module", "phases.modules");
            var id = Id(map, "module");
            map.What = $"module '{id}'";
            Replaces(map, id);
            var module = new Module(id, Title(map), Text(map, "detail"), Guard(() => Strings(map.Optional("tools"), $"the tools of {map.What}"), []));
            map.Done();
            return module;
        }

        private bool KnownPhase(YamlNode node, string phase, string who)
        {
            if (_phaseIds.Contains(phase))
            {
                return true;
            }

            Report(node, $"{who} points at phase '{phase}', which does not exist (phases: {string.Join(", ", _phaseIds)})");
            return false;
        }

        private Milestone ReadMilestone(YamlNode node)
        {
            var map = Map(node, "a milestone", "milestones");
            var id = Id(map, "milestone");
            map.What = $"milestone '{id}'";
            var phaseNode = map.Required("phase");
            var phase = Scalar(phaseNode, $"the phase of {map.What}");
            if (KnownPhase(phaseNode, phase, map.What))
            {
                if (_milestoneOfPhase.TryGetValue(phase, out var other))
                {
                    Report(phaseNode, $"phase '{phase}' already has milestone '{other}'; a phase has at most one milestone, so merge their items");
                }
                else
                {
                    _milestoneOfPhase[phase] = id;
                }
            }

            var title = Title(map);
            var duration = Text(map, "duration") ?? "";
            var itemsNode = map.Required("items");
            var items = Seq(itemsNode, $"the items of {map.What}", (n, _) =>
            {
                var item = Map(n, $"an item of {map.What}", "milestones.items");
                var itemId = Id(item, "milestone item");
                item.What = $"milestone item '{itemId}'";
                Replaces(item, itemId);
                var result = new MilestoneItem(itemId, Title(item), Text(item, "detail"));
                item.Done();
                return result;
            });
            if (itemsNode is YamlSequenceNode { Children.Count: 0 })
            {
                Report(itemsNode, $"{map.What} has no items; add at least one");
            }

            map.Done();
            return new Milestone(id, phase, title, duration, items);
        }

        private TimeEstimates ReadEstimates(YamlNode node)
        {
            var map = Map(node, "timeEstimates", "timeEstimates");
            var note = Text(map, "note");
            var pacesNode = map.Required("paces");
            var paces = Guard(
                () => Seq(pacesNode, "the paces of timeEstimates", (n, _) =>
                {
                    var pace = Map(n, "a pace", "timeEstimates.paces");
                    var id = Id(pace);
                    pace.What = $"pace '{id}'";
                    var title = Title(pace);
                    var hours = Map(pace.Required("hoursPerWeek"), $"the hoursPerWeek of {pace.What}", "timeEstimates.paces.hoursPerWeek");
                    var min = Int(hours.Required("min"), $"the min hours of {pace.What}", 1, 168);
                    var max = Int(hours.Required("max"), $"the max hours of {pace.What}", min, 168);
                    hours.Done();
                    pace.Done();
                    return new PaceDefinition(id, title, min, max);
                }),
                []);
            foreach (var required in new[] { "full-time", "part-time" })
            {
                if (paces.All(p => p.Id != required))
                {
                    Report(pacesNode, $"timeEstimates has no pace '{required}'; add '- id: {required}' with a title and hoursPerWeek {{ min, max }}");
                }
            }

            var rowsNode = map.Required("rows");
            var rowPhases = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            var rows = Guard(
                () => Seq(rowsNode, "the rows of timeEstimates", (n, _) =>
                {
                    var row = Map(n, "a time-estimate row", "timeEstimates.rows");
                    var phaseNode = row.Required("phase");
                    var phase = Scalar(phaseNode, "the phase of a time-estimate row");
                    KnownPhase(phaseNode, phase, "a time-estimate row");
                    if (rowPhases.TryGetValue(phase, out var first))
                    {
                        Report(phaseNode, $"timeEstimates has more than one row for phase '{phase}' (first on line {first.Start.Line}); keep one");
                    }
                    else
                    {
                        rowPhases[phase] = phaseNode;
                    }

                    row.What = $"the time-estimate row for '{phase}'";
                    var label = Title(row, "label");
                    var fullTime = Range(row.Required("fullTime"), $"fullTime of {row.What}", "timeEstimates.rows.fullTime");
                    var partTime = Range(row.Required("partTime"), $"partTime of {row.What}", "timeEstimates.rows.partTime");
                    row.Done();
                    return new TimeEstimateRow(phase, label, fullTime, partTime);
                }),
                []);
            foreach (var phase in _phaseIds.Where(p => !rowPhases.ContainsKey(p)))
            {
                Report(rowsNode, $"phase '{phase}' has no time-estimate row; add one under timeEstimates.rows ('- phase: {phase}' with label, fullTime and partTime in months)");
            }

            var totals = Map(map.Required("statedTotals"), "statedTotals", "timeEstimates.statedTotals");
            var ft = Range(totals.Required("fullTime"), "the stated full-time total", "timeEstimates.statedTotals.fullTime");
            var pt = Range(totals.Required("partTime"), "the stated part-time total", "timeEstimates.statedTotals.partTime");
            totals.Done();
            map.Done();
            return new TimeEstimates(note, paces, rows, ft, pt);
        }

        private Level ReadLevel(YamlNode node)
        {
            var map = Map(node, "a level", "levels");
            var id = Id(map);
            map.What = $"level '{id}'";
            var title = Title(map);
            var weeks = Map(map.Required("weeks"), $"the weeks of {map.What}", "levels.weeks");
            var from = Int(weeks.Required("from"), $"the first week of {map.What}", 1, 1000);
            int? to = weeks.Optional("to") is { } t ? Int(t, $"the last week of {map.What}", from, 1000) : null;
            weeks.Done();
            var skills = Guard(() => Strings(map.Optional("skills"), $"the skills of {map.What}"), []);
            var projects = map.Optional("projects") is { } pNode
                ? Seq(pNode, $"the projects of {map.What}", (n, _) =>
                {
                    var p = Map(n, $"a project of {map.What}", "levels.projects");
                    var pid = Id(p, "project");
                    p.What = $"project '{pid}'";
                    Replaces(p, pid);
                    var result = new Project(pid, Title(p));
                    p.Done();
                    return result;
                })
                : [];
            map.Done();
            return new Level(id, title, from, to, skills, projects);
        }

        private QuickWinWeek ReadQuickWinWeek(YamlNode node)
        {
            var map = Map(node, "a quick-win week", "quickWins");
            var week = Int(map.Required("week"), "the week of a quick win", 1, 52);
            map.What = $"the quick wins of week {week}";
            var wins = Seq(map.Required("wins"), map.What, (n, _) =>
            {
                var w = Map(n, $"a quick win of week {week}", "quickWins.wins");
                var id = Id(w);
                w.What = $"quick win '{id}'";
                var result = new QuickWin(id, Title(w));
                w.Done();
                return result;
            });
            map.Done();
            return new QuickWinWeek(week, wins);
        }

        private AcceleratedPath ReadAccelerated(YamlNode node)
        {
            var map = Map(node, "acceleratedPath", "acceleratedPath");
            var audience = Text(map, "audience") ?? "";
            var total = Int(map.Required("totalWeeks"), "the totalWeeks of acceleratedPath", 1, 520);
            var summary = Text(map, "summary") ?? "";
            var steps = Seq(map.Required("steps"), "the steps of acceleratedPath", (n, _) =>
            {
                var s = Map(n, "an accelerated step", "acceleratedPath.steps");
                var id = Id(s);
                s.What = $"accelerated step '{id}'";
                var weeks = Map(s.Required("weeks"), $"the weeks of {s.What}", "acceleratedPath.steps.weeks");
                var from = Int(weeks.Required("from"), $"the first week of {s.What}", 1, total);
                var to = Int(weeks.Required("to"), $"the last week of {s.What}", from, total);
                weeks.Done();
                var title = Title(s);
                var phases = s.Optional("phases") is { } phasesNode
                    ? Seq(phasesNode, $"the phases of {s.What}", (p, _) =>
                    {
                        var phase = Scalar(p, $"a phase of {s.What}");
                        KnownPhase(p, phase, s.What);
                        return phase;
                    })
                    : [];
                s.Done();
                return new AcceleratedStep(id, from, to, title, phases);
            });
            map.Done();
            return new AcceleratedPath(audience, total, summary, steps);
        }

        private AllocationBucket ReadBucket(YamlNode node)
        {
            var map = Map(node, "an allocation bucket", "allocation");
            var id = Id(map);
            map.What = $"allocation '{id}'";
            var bucket = new AllocationBucket(id, Title(map), Int(map.Required("percent"), $"the percent of {map.What}", 0, 100), Guard(() => Strings(map.Optional("activities"), $"the activities of {map.What}"), []));
            map.Done();
            return bucket;
        }

        private LearnerProfile ReadProfile(YamlNode node)
        {
            var map = Map(node, "a learner profile", "profiles");
            var id = Id(map);
            map.What = $"profile '{id}'";
            var title = Title(map);
            var pathNode = map.Required("path");
            var path = Scalar(pathNode, $"the path of {map.What}");
            if (path is not ("standard" or "accelerated"))
            {
                Report(pathNode, $"the path of {map.What} must be 'standard' or 'accelerated', not '{path}'");
            }

            var advice = map.Optional("advice") is { } aNode
                ? Seq(aNode, $"the advice of {map.What}", (n, _) =>
                {
                    var a = Map(n, $"advice of {map.What}", "profiles.advice");
                    var result = new Advice(Title(a), Text(a, "text") ?? "");
                    a.Done();
                    return result;
                })
                : [];
            map.Done();
            return new LearnerProfile(id, title, path, advice);
        }

        private List<TitledText> ReadTitledList(YamlNode? node, string what, string path) =>
            node is null
                ? []
                : Seq(node, what, (n, _) =>
                {
                    var map = Map(n, $"an entry of {what}", path);
                    var id = Id(map);
                    map.What = $"{what} entry '{id}'";
                    var result = new TitledText(id, Title(map), Text(map, "text") ?? "");
                    map.Done();
                    return result;
                });
    }

    /// <summary>A culture's canonical name (<c>pt-br</c> → <c>pt-BR</c>); the code itself when .NET does not know it.</summary>
    internal static string CultureName(string code)
    {
        try
        {
            return CultureInfo.GetCultureInfo(code, predefinedOnly: true).Name;
        }
        catch (CultureNotFoundException)
        {
            return code;
        }
    }

    /// <summary>Reads a mapping and remembers which keys were read, so leftovers are reported as unknown.</summary>
    private sealed class MapReader(Reader reader, YamlMappingNode node, string what, string path)
    {
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public YamlMappingNode Node => node;

        public string What { get; set; } = what;

        public YamlNode? Optional(string key)
        {
            Debug.Assert(KnownKeys[path].Contains(key), $"'{key}' is not a known key of '{path}'");
            var first = _read.Add(key);
            YamlNode? found = null;
            foreach (var (k, v) in node.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && name == key)
                {
                    if (found is not null && first)
                    {
                        reader.Report(k, $"key '{key}' appears twice in {What}; keep one");
                    }

                    found ??= v;
                }
            }

            return found is YamlScalarNode { Value: null or "" or "~" or "null" } && found.Tag.IsEmpty && ((YamlScalarNode)found).Style == ScalarStyle.Plain
                ? null
                : found;
        }

        public YamlNode Required(string key) =>
            Optional(key) ?? throw reader.Fail(node, $"{What} has no '{key}'; add '{key}: ...'");

        public string? OptionalScalar(string key) =>
            Optional(key) is { } n ? reader.Scalar(n, $"the {key} of {What}") : null;

        public void Done()
        {
            foreach (var (k, _) in node.Children)
            {
                var name = (k as YamlScalarNode)?.Value ?? "?";
                if (!KnownKeys[path].Contains(name))
                {
                    reader.Report(k, $"unknown key '{name}' in {What}; known keys: {string.Join(", ", KnownKeys[path])}");
                }
            }
        }
    }
}

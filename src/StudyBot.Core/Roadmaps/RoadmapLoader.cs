using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StudyBot.Core.Roadmaps;

/// <summary>A roadmap file that cannot be used. The message names the file, the line and the problem.</summary>
public sealed class RoadmapLoadException(string file, long line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;

    public long Line { get; } = line;

    public string Problem { get; } = problem;
}

/// <summary>
/// Reads and validates roadmap YAML strictly: unknown keys, duplicate ids, missing titles, dangling
/// references and empty phases are errors, because a typo in content must never silently lose a module.
/// </summary>
public static partial class RoadmapLoader
{
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    public static IReadOnlyList<Roadmap> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new RoadmapLoadException(directory, 0, "the roadmap directory does not exist");
        }

        var files = Directory.EnumerateFiles(directory, "*.*", SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new RoadmapLoadException(directory, 0, "no roadmap files (*.yaml) found");
        }

        var roadmaps = new List<Roadmap>();
        foreach (var file in files)
        {
            var roadmap = LoadFile(file);
            var clash = roadmaps.FirstOrDefault(r => r.Id == roadmap.Id);
            if (clash is not null)
            {
                throw new RoadmapLoadException(file, 1, $"roadmap id '{roadmap.Id}' is already used by {clash.SourceFile}");
            }

            roadmaps.Add(roadmap);
        }

        return roadmaps;
    }

    public static Roadmap LoadFile(string path) => Parse(File.ReadAllText(path), path);

    public static Roadmap Parse(string yaml, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new RoadmapLoadException(fileName, ex.Start.Line, $"invalid YAML: {FirstLine(ex.Message)}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner sometimes fails without a position; find where parsing stopped.
            throw new RoadmapLoadException(fileName, LastGoodLine(yaml), "invalid YAML: the text here cannot be parsed (check brackets, quotes and indentation)");
        }

        if (stream.Documents.Count == 0)
        {
            throw new RoadmapLoadException(fileName, 1, "the file is empty");
        }

        var reader = new Reader(fileName);
        var root = reader.Map(stream.Documents[0].RootNode, "the roadmap");
        return reader.ReadRoadmap(root);
    }

    private static long LastGoodLine(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        long line = 1;
        try
        {
            while (parser.MoveNext())
            {
                line = parser.Current?.End.Line ?? line;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            if (ex is YamlException y)
            {
                return y.Start.Line;
            }
        }

        return line;
    }

    private static string FirstLine(string message)
    {
        var text = message.Split('\n')[0].Trim();
        var paren = text.IndexOf("): ", StringComparison.Ordinal);
        return paren >= 0 && text.StartsWith('(') ? text[(paren + 3)..] : text;
    }

    private sealed class Reader(string file)
    {
        private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
        private readonly Dictionary<string, IReadOnlyList<string>> _replaces = new(StringComparer.Ordinal);

        /// <summary>Reads an item's optional <c>replaces</c>: the ids it took over from an earlier version.</summary>
        public void Replaces(MapReader map, string id)
        {
            var old = Strings(map.Optional("replaces"), $"the replaces of {map.What}");
            if (old.Count > 0)
            {
                _replaces[id] = old;
            }
        }

        public RoadmapLoadException Error(YamlNode node, string problem) => new(file, node.Start.Line, problem);

        public MapReader Map(YamlNode node, string what) =>
            node is YamlMappingNode map ? new MapReader(this, map, what) : throw Error(node, $"{what} must be a mapping of keys to values");

        public List<T> Seq<T>(YamlNode node, string what, Func<YamlNode, int, T> read)
        {
            if (node is not YamlSequenceNode seq)
            {
                throw Error(node, $"{what} must be a list");
            }

            return seq.Children.Select(read).ToList();
        }

        public string Scalar(YamlNode node, string what)
        {
            if (node is not YamlScalarNode { Value: { } value })
            {
                throw Error(node, $"{what} must be a single value");
            }

            return value.Trim();
        }

        public string Id(MapReader map)
        {
            var node = map.Required("id");
            var id = Scalar(node, $"the id of {map.What}");
            if (!KebabCase().IsMatch(id))
            {
                throw Error(node, $"id '{id}' of {map.What} is not kebab-case (lowercase letters, digits and single hyphens)");
            }

            if (_ids.TryGetValue(id, out var firstLine))
            {
                throw Error(node, $"duplicate id '{id}' (first used on line {firstLine})");
            }

            _ids[id] = node.Start.Line;
            return id;
        }

        public string Title(MapReader map, string key = "title")
        {
            var node = map.Optional(key) ?? throw Error(map.Node, $"{map.What} has no {key}");
            var title = Scalar(node, $"the {key} of {map.What}");
            return title.Length == 0 ? throw Error(node, $"{map.What} has an empty {key}") : title;
        }

        public int Int(YamlNode node, string what, int min, int max)
        {
            var text = Scalar(node, what);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw Error(node, $"{what} must be a whole number from {min} to {max}, not '{text}'");
            }

            return value;
        }

        public double Number(YamlNode node, string what)
        {
            var text = Scalar(node, what);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 1000)
            {
                throw Error(node, $"{what} must be a number from 0 to 1000, not '{text}'");
            }

            return value;
        }

        public bool Bool(YamlNode node, string what)
        {
            var text = Scalar(node, what);
            return text switch
            {
                "true" => true,
                "false" => false,
                _ => throw Error(node, $"{what} must be true or false, not '{text}'"),
            };
        }

        public List<string> Strings(YamlNode? node, string what) =>
            node is null ? [] : Seq(node, what, (n, _) => Scalar(n, $"an entry of {what}"));

        public MonthRange Range(YamlNode node, string what)
        {
            var map = Map(node, what);
            var min = Number(map.Required("min"), $"the min of {what}");
            var max = Number(map.Required("max"), $"the max of {what}");
            map.Done();
            return max < min ? throw Error(node, $"{what} has max {max} below min {min}") : new MonthRange(min, max);
        }

        public Roadmap ReadRoadmap(MapReader root)
        {
            var versionNode = root.Required("version");
            var version = Int(versionNode, "version", 1, 1_000_000);
            var id = Id(root);
            var title = Title(root);
            var description = root.OptionalScalar("description");

            var phasesNode = root.Required("phases");
            var phases = Seq(phasesNode, "phases", (n, i) => ReadPhase(n));
            if (phases.Count == 0)
            {
                throw Error(phasesNode, "the roadmap has no phases");
            }

            for (var i = 0; i < phases.Count; i++)
            {
                if (phases[i].Number != i)
                {
                    throw Error(phasesNode, $"phase '{phases[i].Id}' is number {phases[i].Number} but is listed at position {i}; number phases 0, 1, 2, ... in order");
                }
            }

            var phaseIds = phases.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            var milestones = root.Optional("milestones") is { } mNode
                ? Seq(mNode, "milestones", (n, _) => ReadMilestone(n, phaseIds))
                : [];
            foreach (var group in milestones.GroupBy(m => m.PhaseId).Where(g => g.Count() > 1))
            {
                throw Error(root.Node, $"phase '{group.Key}' has more than one milestone ({string.Join(", ", group.Select(m => m.Id))})");
            }

            var estimates = ReadEstimates(root.Required("timeEstimates"), phaseIds);
            var levels = root.Optional("levels") is { } lNode ? Seq(lNode, "levels", (n, _) => ReadLevel(n)) : [];
            var quickWins = root.Optional("quickWins") is { } qNode ? Seq(qNode, "quickWins", (n, _) => ReadQuickWinWeek(n)) : [];
            var accelerated = root.Optional("acceleratedPath") is { } aNode ? ReadAccelerated(aNode, phaseIds) : null;
            var allocation = root.Optional("allocation") is { } alNode ? Seq(alNode, "allocation", (n, _) => ReadBucket(n)) : [];
            if (allocation.Count > 0 && allocation.Sum(b => b.Percent) != 100)
            {
                throw Error(root.Optional("allocation")!, $"allocation percentages add up to {allocation.Sum(b => b.Percent)}, not 100");
            }

            var profiles = root.Optional("profiles") is { } pNode ? Seq(pNode, "profiles", (n, _) => ReadProfile(n)) : [];
            var motivation = ReadTitledList(root.Optional("motivation"), "motivation");
            var loop = ReadTitledList(root.Optional("learningLoop"), "learningLoop");
            Certification? certification = null;
            if (root.Optional("certification") is { } cNode)
            {
                var cMap = Map(cNode, "certification");
                certification = new Certification(cMap.OptionalScalar("note"), ReadTitledList(cMap.Required("steps"), "certification steps"));
                cMap.Done();
            }

            var nextSteps = ReadTitledList(root.Optional("nextSteps"), "nextSteps");
            var retired = Strings(root.Optional("retired"), "retired");
            root.Done();

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
                Retired = retired,
            };
        }

        private Phase ReadPhase(YamlNode node)
        {
            var map = Map(node, "a phase");
            var id = Id(map);
            map.What = $"phase '{id}'";
            var number = Int(map.Required("number"), $"the number of {map.What}", 0, 99);
            var title = Title(map);
            var color = map.OptionalScalar("color");
            var ongoing = map.Optional("ongoing") is { } o && Bool(o, $"ongoing of {map.What}");
            var modulesNode = map.Optional("modules") ?? throw Error(node, $"{map.What} is empty: it has no modules");
            var modules = Seq(modulesNode, $"the modules of {map.What}", (n, _) => ReadModule(n));
            if (modules.Count == 0)
            {
                throw Error(modulesNode, $"{map.What} is empty: it has no modules");
            }

            map.Done();
            return new Phase(id, number, title, color, ongoing, modules);
        }

        private Module ReadModule(YamlNode node)
        {
            var map = Map(node, "a module");
            var id = Id(map);
            map.What = $"module '{id}'";
            Replaces(map, id);
            var module = new Module(id, Title(map), map.OptionalScalar("detail"), Strings(map.Optional("tools"), $"the tools of {map.What}"));
            map.Done();
            return module;
        }

        private Milestone ReadMilestone(YamlNode node, HashSet<string> phaseIds)
        {
            var map = Map(node, "a milestone");
            var id = Id(map);
            map.What = $"milestone '{id}'";
            var phaseNode = map.Required("phase");
            var phase = Scalar(phaseNode, $"the phase of {map.What}");
            if (!phaseIds.Contains(phase))
            {
                throw Error(phaseNode, $"{map.What} points at phase '{phase}', which does not exist (phases: {string.Join(", ", phaseIds)})");
            }

            var title = Title(map);
            var duration = map.OptionalScalar("duration") ?? "";
            var itemsNode = map.Required("items");
            var items = Seq(itemsNode, $"the items of {map.What}", (n, _) =>
            {
                var item = Map(n, $"an item of {map.What}");
                var itemId = Id(item);
                item.What = $"milestone item '{itemId}'";
                Replaces(item, itemId);
                var result = new MilestoneItem(itemId, Title(item), item.OptionalScalar("detail"));
                item.Done();
                return result;
            });
            if (items.Count == 0)
            {
                throw Error(itemsNode, $"{map.What} has no items");
            }

            map.Done();
            return new Milestone(id, phase, title, duration, items);
        }

        private TimeEstimates ReadEstimates(YamlNode node, HashSet<string> phaseIds)
        {
            var map = Map(node, "timeEstimates");
            var note = map.OptionalScalar("note");
            var paces = Seq(map.Required("paces"), "the paces of timeEstimates", (n, _) =>
            {
                var pace = Map(n, "a pace");
                var id = Id(pace);
                pace.What = $"pace '{id}'";
                var title = Title(pace);
                var hours = Map(pace.Required("hoursPerWeek"), $"the hoursPerWeek of {pace.What}");
                var min = Int(hours.Required("min"), $"the min hours of {pace.What}", 1, 168);
                var max = Int(hours.Required("max"), $"the max hours of {pace.What}", min, 168);
                hours.Done();
                pace.Done();
                return new PaceDefinition(id, title, min, max);
            });
            foreach (var required in new[] { "full-time", "part-time" })
            {
                if (paces.All(p => p.Id != required))
                {
                    throw Error(node, $"timeEstimates must define the pace '{required}'");
                }
            }

            var rowsNode = map.Required("rows");
            var rows = Seq(rowsNode, "the rows of timeEstimates", (n, _) =>
            {
                var row = Map(n, "a time-estimate row");
                var phaseNode = row.Required("phase");
                var phase = Scalar(phaseNode, "the phase of a time-estimate row");
                if (!phaseIds.Contains(phase))
                {
                    throw Error(phaseNode, $"a time-estimate row points at phase '{phase}', which does not exist");
                }

                row.What = $"the time-estimate row for '{phase}'";
                var result = new TimeEstimateRow(phase, Title(row, "label"), Range(row.Required("fullTime"), $"fullTime of {row.What}"), Range(row.Required("partTime"), $"partTime of {row.What}"));
                row.Done();
                return result;
            });
            foreach (var phase in phaseIds.Where(p => rows.All(r => r.PhaseId != p)))
            {
                throw Error(rowsNode, $"timeEstimates has no row for phase '{phase}'");
            }

            foreach (var dup in rows.GroupBy(r => r.PhaseId).Where(g => g.Count() > 1))
            {
                throw Error(rowsNode, $"timeEstimates has more than one row for phase '{dup.Key}'");
            }

            var totals = Map(map.Required("statedTotals"), "statedTotals");
            var ft = Range(totals.Required("fullTime"), "the stated full-time total");
            var pt = Range(totals.Required("partTime"), "the stated part-time total");
            totals.Done();
            map.Done();
            return new TimeEstimates(note, paces, rows, ft, pt);
        }

        private Level ReadLevel(YamlNode node)
        {
            var map = Map(node, "a level");
            var id = Id(map);
            map.What = $"level '{id}'";
            var title = Title(map);
            var weeks = Map(map.Required("weeks"), $"the weeks of {map.What}");
            var from = Int(weeks.Required("from"), $"the first week of {map.What}", 1, 1000);
            int? to = weeks.Optional("to") is { } t ? Int(t, $"the last week of {map.What}", from, 1000) : null;
            weeks.Done();
            var skills = Strings(map.Optional("skills"), $"the skills of {map.What}");
            var projects = map.Optional("projects") is { } pNode
                ? Seq(pNode, $"the projects of {map.What}", (n, _) =>
                {
                    var p = Map(n, $"a project of {map.What}");
                    var pid = Id(p);
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
            var map = Map(node, "a quick-win week");
            var week = Int(map.Required("week"), "the week of a quick win", 1, 52);
            map.What = $"the quick wins of week {week}";
            var wins = Seq(map.Required("wins"), map.What, (n, _) =>
            {
                var w = Map(n, $"a quick win of week {week}");
                var id = Id(w);
                w.What = $"quick win '{id}'";
                var result = new QuickWin(id, Title(w));
                w.Done();
                return result;
            });
            map.Done();
            return new QuickWinWeek(week, wins);
        }

        private AcceleratedPath ReadAccelerated(YamlNode node, HashSet<string> phaseIds)
        {
            var map = Map(node, "acceleratedPath");
            var audience = map.OptionalScalar("audience") ?? "";
            var total = Int(map.Required("totalWeeks"), "the totalWeeks of acceleratedPath", 1, 520);
            var summary = map.OptionalScalar("summary") ?? "";
            var steps = Seq(map.Required("steps"), "the steps of acceleratedPath", (n, _) =>
            {
                var s = Map(n, "an accelerated step");
                var id = Id(s);
                s.What = $"accelerated step '{id}'";
                var weeks = Map(s.Required("weeks"), $"the weeks of {s.What}");
                var from = Int(weeks.Required("from"), $"the first week of {s.What}", 1, total);
                var to = Int(weeks.Required("to"), $"the last week of {s.What}", from, total);
                weeks.Done();
                var title = Title(s);
                var phasesNode = s.Optional("phases");
                var phases = Strings(phasesNode, $"the phases of {s.What}");
                foreach (var p in phases.Where(p => !phaseIds.Contains(p)))
                {
                    throw Error(phasesNode!, $"{s.What} points at phase '{p}', which does not exist");
                }

                s.Done();
                return new AcceleratedStep(id, from, to, title, phases);
            });
            map.Done();
            return new AcceleratedPath(audience, total, summary, steps);
        }

        private AllocationBucket ReadBucket(YamlNode node)
        {
            var map = Map(node, "an allocation bucket");
            var id = Id(map);
            map.What = $"allocation '{id}'";
            var bucket = new AllocationBucket(id, Title(map), Int(map.Required("percent"), $"the percent of {map.What}", 0, 100), Strings(map.Optional("activities"), $"the activities of {map.What}"));
            map.Done();
            return bucket;
        }

        private LearnerProfile ReadProfile(YamlNode node)
        {
            var map = Map(node, "a learner profile");
            var id = Id(map);
            map.What = $"profile '{id}'";
            var title = Title(map);
            var pathNode = map.Required("path");
            var path = Scalar(pathNode, $"the path of {map.What}");
            if (path is not ("standard" or "accelerated"))
            {
                throw Error(pathNode, $"the path of {map.What} must be 'standard' or 'accelerated', not '{path}'");
            }

            var advice = map.Optional("advice") is { } aNode
                ? Seq(aNode, $"the advice of {map.What}", (n, _) =>
                {
                    var a = Map(n, $"advice of {map.What}");
                    var result = new Advice(Title(a), a.OptionalScalar("text") ?? "");
                    a.Done();
                    return result;
                })
                : [];
            map.Done();
            return new LearnerProfile(id, title, path, advice);
        }

        private List<TitledText> ReadTitledList(YamlNode? node, string what) =>
            node is null
                ? []
                : Seq(node, what, (n, _) =>
                {
                    var map = Map(n, $"an entry of {what}");
                    var id = Id(map);
                    map.What = $"{what} entry '{id}'";
                    var result = new TitledText(id, Title(map), map.OptionalScalar("text") ?? "");
                    map.Done();
                    return result;
                });
    }

    /// <summary>Reads a mapping and remembers which keys were read, so leftovers are reported as unknown.</summary>
    private sealed class MapReader(Reader reader, YamlMappingNode node, string what)
    {
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public YamlMappingNode Node => node;

        public string What { get; set; } = what;

        public YamlNode? Optional(string key)
        {
            _read.Add(key);
            YamlNode? found = null;
            foreach (var (k, v) in node.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && name == key)
                {
                    if (found is not null)
                    {
                        throw reader.Error(k, $"key '{key}' appears twice in {What}");
                    }

                    found = v;
                }
            }

            return found is YamlScalarNode { Value: null or "" or "~" or "null" } && found.Tag.IsEmpty && ((YamlScalarNode)found).Style == ScalarStyle.Plain
                ? null
                : found;
        }

        public YamlNode Required(string key) =>
            Optional(key) ?? throw reader.Error(node, $"{What} has no '{key}'");

        public string? OptionalScalar(string key) =>
            Optional(key) is { } n ? reader.Scalar(n, $"the {key} of {What}") : null;

        public void Done()
        {
            foreach (var (k, _) in node.Children)
            {
                var name = (k as YamlScalarNode)?.Value ?? "?";
                if (!_read.Contains(name))
                {
                    throw reader.Error(k, $"unknown key '{name}' in {What} (known keys: {string.Join(", ", _read)})");
                }
            }
        }
    }
}

using System.Globalization;
using System.Text;
using Saima.Data.Intake;
using Saima.Data.Store;

namespace Saima.Data.Tests.Intake;

/// <summary>
/// One fuzz case of intake (shared by the fuzz test and bench/fuzz): a valid file mutated by
/// <see cref="IntakeMutator"/> is imported; it must end in an import, or a refusal whose every
/// error names a place and which left the store as it was. Anything else throws, naming the file,
/// the mutation and its seed.
/// </summary>
internal static class IntakeFuzzCase
{
    /// <summary>The committed fixtures mutations start from (besides our own writer's files).</summary>
    public static readonly string[] Fixtures =
    [
        "figures_good.csv", "figures_bad.csv", "figures_good.lo.xlsx", "figures_bad.lo.xlsx", "figures_good.lo.xls", "figures_bad.lo.xls",
        "figures_good_numeric_codes.lo.xlsx", "template_unit_filled.lo.xlsx", "template_unit_filled.lo.xls", "template_source_filled.lo.xlsx",
        "template_source_filled.lo.xls",
    ];

    /// <summary>One case: the outcome is counted by mutation and result; anything but a clean outcome fails the property with the case named.</summary>
    internal static bool Run(IntakeWorld world, (string Name, byte[] Bytes) seed, int mutation, IDictionary<string, int>? outcomes)
    {
        (byte[] bytes, string kind) = IntakeMutator.Mutate(seed.Bytes, seed.Name, mutation);
        string before = Snapshot(world);
        ImportResult result;
        try
        {
            result = world.Import(bytes, seed.Name);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{seed.Name} mutated by {kind} (seed {mutation.ToString(CultureInfo.InvariantCulture)}): {e.GetType().Name}: {e.Message}", e);
        }

        string outcome;
        if (result.Accepted)
        {
            outcome = "imported";
        }
        else
        {
            foreach (ImportError e in result.Errors)
            {
                bool placed = e.Code == WorkflowCodes.MoreErrors || (e.Sheet.Length > 0 && e.ReasonZh.Length > 0 && e.ReasonEn.Length > 0);
                if (!placed)
                {
                    throw new InvalidOperationException($"{seed.Name} mutated by {kind} (seed {mutation.ToString(CultureInfo.InvariantCulture)}): an error names no place: {e}");
                }
            }

            if (Snapshot(world) != before)
            {
                throw new InvalidOperationException($"{seed.Name} mutated by {kind} (seed {mutation.ToString(CultureInfo.InvariantCulture)}): refused, yet the store changed");
            }

            string code = result.Errors.Count > 0 && result.Errors[0].Code.Length > 0 ? result.Errors[0].Code : "cells";
            outcome = "refused " + code;
        }

        if (outcomes is not null)
        {
            string key = outcome + " (" + kind + ")";
            outcomes[key] = outcomes.TryGetValue(key, out int n) ? n + 1 : 1;
        }

        return true;
    }

    /// <summary>What an import writes, in one query: figures (and every change of one, by their row versions), audit entries, imports, evidence.</summary>
    private static string Snapshot(IntakeWorld world)
    {
        using System.Data.Common.DbConnection c = SchemaMigrator.OpenConnection(world.Store);
        using System.Data.Common.DbCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT (SELECT count(*) FROM figures), (SELECT coalesce(sum(row_version), 0) FROM figures), (SELECT count(*) FROM audit), (SELECT count(*) FROM imports), (SELECT count(*) FROM evidence)";
        using System.Data.Common.DbDataReader r = cmd.ExecuteReader();
        r.Read();
        return string.Join('/', Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The valid files mutations start from: the committed fixtures, our template writer's template, and an .xlsx written part by part.</summary>
    internal static List<(string Name, byte[] Bytes)> Seeds(IntakeWorld world)
    {
        var seeds = Fixtures.Select(f => (f, File.ReadAllBytes(IntakeData.Path(f)))).ToList();
        using (SaimaDb db = world.Open())
        {
            var template = new MemoryStream();
            new TemplateWriter(db, world.Clock).WriteUnitTemplate(IntakeWorld.Scheme, "2025-06", "001", template, "office");
            seeds.Add(("template_001.xlsx", template.ToArray()));
        }

        seeds.Add(("written.xlsx", HostileXlsx.Build(w =>
        {
            HostileXlsx.Header(w);
            w.Write("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>001</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>AIR</t></is></c><c r=\"C2\" t=\"inlineStr\"><is><t>2025-06</t></is></c><c r=\"D2\"><v>86.5</v></c></row>");
            w.Write("<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>002</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>RD</t></is></c><c r=\"C3\" t=\"inlineStr\"><is><t>2025-06</t></is></c><c r=\"D3\"><v>2.5</v></c></row>");
        })));
        seeds.Add(("plain.csv", Encoding.UTF8.GetBytes("单位代码,指标代码,期间,填报值,说明\n001,AIR,2025-06,86.5,\n002,RD,2025-06,2.5,\n003,AIR,2025-05,80,补报\n")));
        return seeds;
    }

}

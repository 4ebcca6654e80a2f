using System.Data.Common;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Saima.Data;

namespace Saima.Web.Features.Map;

/// <summary>A stored map that fits a scheme: its code and name and the features of the scheme's units only.</summary>
public sealed record GeoFit(string Code, string Name, JsonObject Features);

/// <summary>
/// The maps in <c>geo_maps</c> (GeoJSON FeatureCollections; each feature's <c>properties.code</c>
/// is a unit code, as <c>DemoGeo</c> writes them and the office uploads them). A map fits a
/// scheme when it has a feature for every unit of the scheme; of several, the one with the
/// fewest other features (the counties' map rather than a map of everything).
/// </summary>
public static class GeoMaps
{
    /// <summary>Every stored map: code, name and GeoJSON text.</summary>
    public static async Task<IReadOnlyList<(string Code, string Name, string Json)>> AllAsync(SaimaDb db, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(db);
        DbConnection connection = db.Database.GetDbConnection();
        bool opened = false;
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancel);
            opened = true;
        }

        try
        {
            await using DbCommand cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT code, name, geo_json FROM geo_maps ORDER BY code";
            var list = new List<(string, string, string)>();
            await using DbDataReader reader = await cmd.ExecuteReaderAsync(cancel);
            while (await reader.ReadAsync(cancel))
            {
                list.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }

            return list;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>
    /// The map that fits <paramref name="units"/> (a feature for each), reduced to their features;
    /// or null, with the units that the closest map lacks.
    /// </summary>
    public static (GeoFit? Fit, IReadOnlyList<string> Missing) Choose(IEnumerable<(string Code, string Name, string Json)> maps, IReadOnlyCollection<string> units)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(units);
        var wanted = new HashSet<string>(units, StringComparer.Ordinal);
        GeoFit? best = null;
        int bestExtra = int.MaxValue;
        IReadOnlyList<string> closestMissing = [.. units.Order(StringComparer.Ordinal)];
        foreach ((string code, string name, string json) in maps)
        {
            JsonArray? features;
            try
            {
                features = JsonNode.Parse(json)?["features"] as JsonArray;
            }
            catch (System.Text.Json.JsonException)
            {
                continue; // a map that is not JSON fits nothing
            }

            if (features is null)
            {
                continue;
            }

            var byCode = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            foreach (JsonNode? f in features)
            {
                if (f?["properties"]?["code"] is JsonValue v && v.TryGetValue(out string? c) && !byCode.ContainsKey(c))
                {
                    byCode[c] = f;
                }
            }

            var missing = wanted.Where(u => !byCode.ContainsKey(u)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                if (missing.Count < closestMissing.Count)
                {
                    closestMissing = missing;
                }

                continue;
            }

            int extra = byCode.Count - wanted.Count;
            if (extra < bestExtra)
            {
                var kept = new JsonArray();
                foreach (string u in wanted.Order(StringComparer.Ordinal))
                {
                    kept.Add(byCode[u].DeepClone());
                }

                best = new GeoFit(code, name, new JsonObject { ["type"] = "FeatureCollection", ["features"] = kept });
                bestExtra = extra;
            }
        }

        return best is null ? (null, closestMissing) : (best, []);
    }
}

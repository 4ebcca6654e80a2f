using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>A checked GeoJSON map: how many features it has, which match units (by <c>properties.code</c>) and which do not.</summary>
public sealed record GeoMapCheck(int Features, IReadOnlyList<string> Matched, IReadOnlyList<string> Unmatched);

/// <summary>A GeoJSON file that cannot be a map: what was found and what was expected.</summary>
public sealed class GeoMapException(string message) : WorkflowException(message);

/// <summary>
/// Maps uploaded by the office into <c>geo_maps</c> (the map page's source, see schema script
/// 0003): a GeoJSON FeatureCollection whose every feature names a unit in <c>properties.code</c>,
/// at least one of them a unit of the store. Checked before anything is stored; audited.
/// </summary>
public sealed class GeoMapAdmin(SaimaDb db, TimeProvider clock)
{
    /// <summary>Checks a GeoJSON text against the store's units. Stores nothing.</summary>
    /// <exception cref="GeoMapException">Not JSON, not a FeatureCollection, a feature without a code, or no feature matching a unit.</exception>
    public GeoMapCheck Check(string geoJson)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(geoJson ?? string.Empty);
        }
        catch (JsonException e)
        {
            throw new GeoMapException($"the file is not JSON ({e.Message}); expected a GeoJSON FeatureCollection");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || type.GetString() != "FeatureCollection")
            {
                throw new GeoMapException("the file is not a GeoJSON FeatureCollection; expected {\"type\": \"FeatureCollection\", \"features\": [...]}");
            }

            if (!root.TryGetProperty("features", out JsonElement features) || features.ValueKind != JsonValueKind.Array || features.GetArrayLength() == 0)
            {
                throw new GeoMapException("the FeatureCollection has no features; expected a non-empty array \"features\"");
            }

            var codes = new List<string>();
            int k = 0;
            foreach (JsonElement f in features.EnumerateArray())
            {
                string at = k.ToString(CultureInfo.InvariantCulture);
                if (f.ValueKind != JsonValueKind.Object || !f.TryGetProperty("type", out JsonElement ft) || ft.ValueKind != JsonValueKind.String || ft.GetString() != "Feature")
                {
                    throw new GeoMapException($"features[{at}] is not a Feature; expected {{\"type\": \"Feature\", \"properties\": {{\"code\": ...}}, \"geometry\": ...}}");
                }

                if (!f.TryGetProperty("geometry", out JsonElement g) || g.ValueKind != JsonValueKind.Object)
                {
                    throw new GeoMapException($"features[{at}] has no geometry; expected a Polygon or MultiPolygon");
                }

                if (!f.TryGetProperty("properties", out JsonElement p) || p.ValueKind != JsonValueKind.Object
                    || !p.TryGetProperty("code", out JsonElement c) || c.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(c.GetString()))
                {
                    throw new GeoMapException($"features[{at}] has no properties.code; expected every feature to name a unit code in properties.code");
                }

                codes.Add(c.GetString()!);
                k++;
            }

            var distinct = codes.Distinct(StringComparer.Ordinal).ToList();
            var known = db.Units.AsNoTracking().Where(u => distinct.Contains(u.Code)).Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
            var matched = distinct.Where(known.Contains).Order(StringComparer.Ordinal).ToList();
            var unmatched = distinct.Where(c => !known.Contains(c)).Order(StringComparer.Ordinal).ToList();
            if (matched.Count == 0)
            {
                throw new GeoMapException($"none of the {codes.Count.ToString(CultureInfo.InvariantCulture)} features names a unit (e.g. '{distinct[0]}'); expected properties.code to be unit codes");
            }

            return new GeoMapCheck(codes.Count, matched, unmatched);
        }
    }

    /// <summary>Checks and stores a map under <paramref name="code"/> (replacing a map of that code), audited.</summary>
    public GeoMapCheck Save(Actor actor, string code, string name, string geoJson)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("upload maps");
        code = (code ?? string.Empty).Trim();
        name = (name ?? string.Empty).Trim();
        if (code.Length == 0 || code.Length > 50 || !code.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
        {
            throw new GeoMapException($"map code '{code}' is not valid; expected 1–50 letters, digits, '-' or '_'");
        }

        if (name.Length == 0)
        {
            throw new GeoMapException("the map needs a name");
        }

        GeoMapCheck check = Check(geoJson);
        string? old = Summary(code);
        string now = Describe(check, geoJson);
        using var tx = db.Database.BeginTransaction();
        db.Database.ExecuteSql($"DELETE FROM geo_maps WHERE code = {code}");
        db.Database.ExecuteSql($"INSERT INTO geo_maps (code, name, geo_json) VALUES ({code}, {name}, {geoJson})");
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, old is null ? "create" : "update", AdminAudit.GeoMapEntity, code, "geo_json", old, now, name));
        db.SaveChanges();
        tx.Commit();
        return check;
    }

    /// <summary>A stored map's audit summary (features and SHA-256), or null when there is none.</summary>
    private string? Summary(string code)
    {
        string? json = db.Database.SqlQuery<string>($"SELECT geo_json AS \"Value\" FROM geo_maps WHERE code = {code}").AsEnumerable().FirstOrDefault();
        if (json is null)
        {
            return null;
        }

        int features = 0;
        try
        {
            using var doc = JsonDocument.Parse(json);
            features = doc.RootElement.TryGetProperty("features", out JsonElement f) && f.ValueKind == JsonValueKind.Array ? f.GetArrayLength() : 0;
        }
        catch (JsonException)
        {
            // An old map that is not JSON: described by its hash only.
        }

        return Text(features, json);
    }

    private static string Describe(GeoMapCheck check, string json) => Text(check.Features, json);

    private static string Text(int features, string json) =>
        string.Create(CultureInfo.InvariantCulture, $"features={features} sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))}");
}

namespace Saima.Data.Store;

/// <summary>
/// The audit trail for changes made outside the store's services (the web application's user
/// management): the same entries, with who, when, old and new value, as <see cref="AuditLog"/> writes.
/// </summary>
public static class AdminAudit
{
    /// <summary>The audit entity of a login (key: the user name).</summary>
    public const string UserEntity = "user";

    /// <summary>The audit entity of a stored map (key: the map's code).</summary>
    public const string GeoMapEntity = "geo_map";

    /// <summary>Adds one entry and saves it.</summary>
    public static void Record(
        SaimaDb db, TimeProvider clock, Actor actor, string action, string entity, string key,
        string? field = null, string? oldValue = null, string? newValue = null, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("administer " + entity);
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, action, entity, key, field, oldValue, newValue, reason));
        db.SaveChanges();
    }
}

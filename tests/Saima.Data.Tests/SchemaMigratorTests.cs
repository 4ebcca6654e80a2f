using Microsoft.EntityFrameworkCore;
using Saima.Data;

namespace Saima.Data.Tests;

[Collection(StoresCollection.Name)]
public sealed class SchemaMigratorTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Migrate_EmptyDatabase_AppliesEveryScriptOnce(StoreProvider provider)
    {
        StoreOptions store = provider == StoreProvider.Sqlite ? stores.NewSqlite() : stores.NewPostgres();
        SchemaMigrator.CurrentVersion(store).ShouldBe(0);

        int[] all = SchemaMigrator.Scripts(provider).Select(s => s.Version).ToArray();
        all.ShouldBe(Enumerable.Range(1, all.Length).ToArray(), "scripts are numbered 1, 2, 3… without gaps");
        SchemaMigrator.Migrate(store).Select(s => s.Version).ShouldBe(all);
        SchemaMigrator.CurrentVersion(store).ShouldBe(SchemaMigrator.LatestVersion(provider));
        SchemaMigrator.Migrate(store).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Migrate_DatabaseOfPreviousVersion_OpensWithItsDataIntact(StoreProvider provider)
    {
        StoreOptions store = provider == StoreProvider.Sqlite ? stores.NewSqlite() : stores.NewPostgres();
        SchemaMigrator.Migrate(store, upTo: 1);
        SchemaMigrator.CurrentVersion(store).ShouldBe(1);
        var at = new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);
        using (var db = SaimaDb.Open(store))
        {
            var unit = new Unit { Code = "C01", Name = "青山区", NameEn = "Qingshan", Kind = UnitKind.District };
            var scheme = new AssessmentScheme { Code = "S1", Name = "县域赛马", CreatedAt = at, CreatedBy = "office" };
            db.AddRange(unit, scheme);
            db.SaveChanges();
            var indicator = new Indicator { SchemeId = scheme.Id, Code = "GDP", Name = "地区生产总值", Cumulative = true };
            db.Add(indicator);
            db.SaveChanges();
            db.Add(new Figure { SchemeId = scheme.Id, UnitId = unit.Id, IndicatorId = indicator.Id, Period = "2025-06", Value = 123.45, EnteredBy = "reporter", EnteredAt = at });
            db.SaveChanges();
        }

        SchemaMigrator.Migrate(store).Select(s => s.Version).ShouldBe(SchemaMigrator.Scripts(provider).Select(s => s.Version).Where(v => v > 1));

        using (var db = SaimaDb.Open(store))
        {
            Figure f = db.Figures.Single();
            f.Value.ShouldBe(123.45);
            f.EnteredAt.ShouldBe(at);
            db.Units.Single().Name.ShouldBe("青山区");
            db.ResultSets.Count().ShouldBe(0);
        }
    }

    [Fact]
    public void Scripts_BothProviders_HaveTheSameVersionsAndNames()
    {
        SchemaMigrator.Scripts(StoreProvider.Postgres).Select(s => s.Name)
            .ShouldBe(SchemaMigrator.Scripts(StoreProvider.Sqlite).Select(s => s.Name));
    }
}

namespace Saima.Cli.Tests;

/// <summary>`saima serve` as far as the command line goes; the application itself is tested in Saima.Web.Tests.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void ServeHelp_NamesTheDefaultAddressAndTheFirstAdministrator()
    {
        CliRun help = CliRunner.Run("serve", "--help");
        help.Exit.ShouldBe(0, help.ToString());
        help.Out.ShouldContain("http://127.0.0.1:5000");
        help.Out.ShouldContain("SAIMA_ADMIN_PASSWORD");
        help.Out.ShouldContain("--postgres");
    }

    [Fact]
    public void Serve_DbAndPostgresTogether_IsBadInput()
    {
        using var dir = new CliTempDir();
        CliRunner.Run("serve", "--db", dir["s.db"], "--postgres", "Host=127.0.0.1;Database=x").ShouldBeBadInput("not both");
    }
}

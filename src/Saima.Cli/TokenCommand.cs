using System.CommandLine;
using Saima.Data.Store;
using Saima.Web.Security;

namespace Saima.Cli;

/// <summary><c>saima token create</c>: a personal API token of a user, for automation on the server's own host.</summary>
internal static class TokenCommand
{
    private const string Description = """
        Personal API tokens of the web application's users (Authorization: Bearer <token> on /api/v1).
        """;

    private const string CreateDescription = """
        Makes one new API token of the user NAME and prints it on standard output, alone on one
        line (nothing else goes to standard output), for automation on the server's own host. The
        token acts as the user, with the user's roles and unit, as one made on the web page
        /account/tokens; it is audited the same way (as made by the user, "made by saima token
        create"). Only its SHA-256 is stored: keep the printed token, it is not shown again.

        --name is the token's label (default: "saima token create"); --days its lifetime (1 to 3650;
        without it the token does not expire). An unknown or locked user, a user who must still
        change a one-time password, a bad label or lifetime, or a user holding 20 live tokens:
        exit 2 with the reason on standard error.

        Example:
          TOKEN=$(saima token create --user stats.bot --name "nightly import" --days 90 --db /var/lib/saima/saima.db)
          curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:5000/api/v1/schemes
        """;

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("token", Description);
        var (db, postgres) = OpsCommands.StoreOptions();
        var user = new Option<string>("--user") { Description = "The user whose token it is (a user name of the web application).", Required = true, HelpName = "NAME" };
        var name = new Option<string>("--name") { Description = "The token's label, 1 to 100 characters (default: saima token create).", DefaultValueFactory = _ => TokenIssuer.Via, HelpName = "LABEL" };
        var days = new Option<int?>("--days") { Description = "Days until the token expires, 1 to 3650 (default: it does not expire).", HelpName = "N" };
        var create = new Command("create", CreateDescription) { user, name, days, db, postgres };
        create.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            var store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
            OpsCommands.RequireSchema(store);
            NewApiToken made;
            try
            {
                made = TokenIssuer.CreateAsync(store, parse.GetRequiredValue(user), parse.GetValue(name)!, parse.GetValue(days), TimeProvider.System)
                    .GetAwaiter().GetResult();
            }
            catch (TokenOwnerException e)
            {
                throw new CliInputException(e.Message);
            }

            stdout.WriteLine(made.Secret);
        }));
        command.Add(create);
        return command;
    }
}

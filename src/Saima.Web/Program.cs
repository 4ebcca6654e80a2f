using Saima.Web;

// `dotnet run --project src/Saima.Web` and `saima serve` start the same application.
SaimaWeb.Build(args, new WebOptions()).Run();

using Microsoft.AspNetCore.Mvc;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Features.Proofs;

/// <summary>The audit chain's state in one line (intact with its head, or its first break), for the audit page.</summary>
public sealed class ChainStateViewComponent(SaimaDb db) : ViewComponent
{
    public IViewComponentResult Invoke() => View("/Features/Proofs/_ChainState.cshtml", ChainCheckpoints.VerifyAudit(db).Report);
}

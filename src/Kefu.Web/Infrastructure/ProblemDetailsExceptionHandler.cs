using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Infrastructure;

/// <summary>Maps domain exceptions (EF Core's concurrency and unique-index races, store outages) to RFC 9457 problem responses.</summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger,
    Microsoft.Extensions.Options.IOptions<StoreOutageOptions> outage)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            FieldValidationException v => new ValidationProblemDetails(v.Errors) { Status = v.StatusCode, Title = v.Title, Detail = v.Message },
            StaleVersionException s => Stale(httpContext, s),
            Features.Complaints.GatesNotMetException g => Gates(g),
            ConflictException c => WithReasons(new ProblemDetails { Status = c.StatusCode, Title = c.Title, Detail = c.Message }, c.Reasons),
            DomainException d => new ProblemDetails { Status = d.StatusCode, Title = d.Title, Detail = d.Message },
            DbUpdateConcurrencyException => new ProblemDetails
            {
                Status = StatusCodes.Status412PreconditionFailed,
                Title = "The entity was changed since you read it.",
                Detail = "Somebody else saved a change first. Reload and apply your change to the current version.",
            },
            DbUpdateException u when IsUniqueViolation(u) => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "A concurrent request saved the same thing first.",
                Detail = "Another request created the same record at the same moment. Reload to see the current state.",
            },
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Bad request.", Detail = b.Message },
            _ when StoreOutage.IsStoreUnavailable(exception) => Unavailable(httpContext, exception),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Store unavailable, request refused with 503: {Reason}", exception.GetBaseException().Message);
        }
        else if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled error");
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>
    /// A unique index refused a row because a racing request inserted it first (PostgreSQL 23505, SQLite's UNIQUE or
    /// PRIMARY KEY constraint): the loser of a race, not a server fault.
    /// </summary>
    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    private ProblemDetails Unavailable(HttpContext context, Exception exception)
    {
        StoreOutage.ForgetBrokenConnections(exception);
        var seconds = Math.Max(1, outage.Value.RetryAfterSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The store is unavailable.",
            Detail = $"Nothing was stored. Send the same request again after {seconds} s (Retry-After); repeated CTI event ids are recognised as duplicates.",
        };
        problem.Extensions["retryAfterSeconds"] = seconds;
        return problem;
    }

    private static ProblemDetails Stale(HttpContext context, StaleVersionException s)
    {
        context.Response.Headers.ETag = ETags.Format(s.CurrentVersion);
        var problem = new ProblemDetails { Status = s.StatusCode, Title = s.Title, Detail = s.Message };
        problem.Extensions["currentVersion"] = s.CurrentVersion;
        return problem;
    }

    private static ProblemDetails Gates(Features.Complaints.GatesNotMetException g)
    {
        var problem = new ProblemDetails { Status = g.StatusCode, Title = g.Title, Detail = g.Message };
        problem.Extensions["step"] = g.Step.ToString();
        problem.Extensions["unmetGates"] = g.UnmetGates;
        return problem;
    }

    private static ProblemDetails WithReasons(ProblemDetails problem, IReadOnlyList<string> reasons)
    {
        if (reasons.Count > 0)
        {
            problem.Extensions["reasons"] = reasons;
        }

        return problem;
    }
}

using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Data;

/// <summary>
/// Built-in SQL functions of one store, for set-based queries that EF Core does not translate by itself (time arithmetic).
/// Each is mapped only on its own store (see <see cref="KefuDbContext"/>); calling one outside a query throws.
/// </summary>
public static class StoreFunctions
{
    /// <summary>PostgreSQL <c>date_part(field, value)</c>, e.g. <c>date_part('epoch', t)</c>: seconds since 1970 as a double.</summary>
    public static double DatePart(string field, DateTime value) => throw new InvalidOperationException("Only for PostgreSQL queries.");

    /// <summary>SQLite <c>julianday(value)</c>: days since the Julian epoch as a double.</summary>
    public static double JulianDay(DateTime value) => throw new InvalidOperationException("Only for SQLite queries.");

    /// <summary>SQLite <c>unixepoch(value)</c>: whole seconds since 1970.</summary>
    public static long UnixEpoch(DateTime value) => throw new InvalidOperationException("Only for SQLite queries.");

    internal static void Map(ModelBuilder builder, bool postgres)
    {
        if (postgres)
        {
            builder.HasDbFunction(typeof(StoreFunctions).GetMethod(nameof(DatePart))!).HasName("date_part").IsBuiltIn();
        }
        else
        {
            builder.HasDbFunction(typeof(StoreFunctions).GetMethod(nameof(JulianDay))!).HasName("julianday").IsBuiltIn();
            builder.HasDbFunction(typeof(StoreFunctions).GetMethod(nameof(UnixEpoch))!).HasName("unixepoch").IsBuiltIn();
        }
    }
}

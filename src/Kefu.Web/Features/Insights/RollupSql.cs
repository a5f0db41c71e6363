using System.Data.Common;

namespace Kefu.Web.Features.Insights;

/// <summary>SQL text shared by the rollup upserts and reads: the same on SQLite and PostgreSQL.</summary>
internal static class RollupSql
{
    /// <summary>A quoted identifier (EF Core's table and column names keep their case).</summary>
    public static string Quote(string name) => "\"" + name + "\"";

    /// <summary>Adds a parameter to the command and returns its placeholder.</summary>
    public static string Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter.ParameterName;
    }
}

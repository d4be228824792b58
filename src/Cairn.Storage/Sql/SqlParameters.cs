using System.Data.Common;
using System.Globalization;

namespace Cairn.Storage.Sql;

/// <summary>Collects the values of a generated query; user text only ever travels as a parameter.</summary>
internal sealed class SqlParameters
{
    private readonly List<(string Name, object Value)> _values = [];

    /// <summary>Adds a value and returns its placeholder (<c>@pN</c>, understood by both providers).</summary>
    public string Add(object value)
    {
        var name = "@p" + _values.Count.ToString(CultureInfo.InvariantCulture);
        _values.Add((name, value));
        return name;
    }

    public static SqlParameters Of(object value)
    {
        var parameters = new SqlParameters();
        parameters.Add(value);
        return parameters;
    }

    public void ApplyTo(DbCommand command)
    {
        foreach (var (name, value) in _values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}

using Cairn.Models.Data;
using Parquet.Schema;

namespace Cairn.Serving.Payloads;

/// <summary>
/// The columns of a Parquet payload file. Every row has <c>timestamp</c>, <c>model</c>, <c>version</c> and
/// <c>request_id</c>. A column model logs one row per scored row: <c>row</c> (its index in the request), each input
/// feature under its own name (vector features as JSON text) and each prediction as <c>prediction_&lt;name&gt;</c>.
/// A tensor model logs one row per request: <c>input_json</c> and <c>prediction_json</c> (the bodies as sent).
/// </summary>
internal sealed record PayloadLayout(string Key, bool IsColumnar, IReadOnlyList<PayloadColumn> Inputs, IReadOnlyList<PayloadColumn> Outputs)
{
    public static readonly string[] FixedNames = ["timestamp", "model", "version", "request_id", "row"];

    public static PayloadLayout Of(PayloadRecord record)
    {
        if (record.Frames is not { } frames)
        {
            return new PayloadLayout("json", false, [], []);
        }

        var inputs = frames.Input.Columns.Select(c => PayloadColumn.Of(c, FixedNames.Contains(c.Name) ? "input_" + c.Name : c.Name)).ToList();
        var outputs = frames.Output.Columns.Select(c => PayloadColumn.Of(c, "prediction_" + c.Name)).ToList();
        var key = string.Join(',', inputs.Concat(outputs).Select(c => $"{c.Field.Name}:{c.Type}:{c.IsJson}"));
        return new PayloadLayout(key, true, inputs, outputs);
    }

    public ParquetSchema Schema()
    {
        List<Field> fields =
        [
            new DataField<DateTime>("timestamp"),
            new DataField<string>("model"),
            new DataField<string>("version", true),
            new DataField<string>("request_id"),
        ];
        if (IsColumnar)
        {
            fields.Add(new DataField<int>("row"));
            fields.AddRange(Inputs.Select(c => c.Field));
            fields.AddRange(Outputs.Select(c => c.Field));
        }
        else
        {
            fields.Add(new DataField<string>("input_json", true));
            fields.Add(new DataField<string>("prediction_json", true));
        }

        return new ParquetSchema(fields);
    }
}

/// <summary>One frame column in a payload file: scalar types as themselves; vectors, binary and others as JSON text.</summary>
internal sealed record PayloadColumn(string Source, DataType Type, bool IsJson, DataField Field)
{
    public static PayloadColumn Of(Column column, string name)
    {
        DataField? field = column.IsArray ? null : column.Type switch
        {
            DataType.Float => new DataField<float>(name),
            DataType.Double => new DataField<double>(name),
            DataType.Integer => new DataField<int>(name),
            DataType.Long => new DataField<long>(name),
            DataType.Boolean => new DataField<bool>(name),
            DataType.String => new DataField<string>(name, true),
            _ => null,
        };
        return new PayloadColumn(column.Name, column.Type, field is null, field ?? new DataField<string>(name, true));
    }
}

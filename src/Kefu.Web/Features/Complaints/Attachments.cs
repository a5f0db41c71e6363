using System.Security.Cryptography;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>Evidence (凭证) attached to a complaint: images and PDFs, type checked from the content, kept in the store.</summary>
public sealed class ComplaintAttachment
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }

    /// <summary>The file name as given, reduced to safe characters (never used as a path).</summary>
    public required string FileName { get; set; }

    /// <summary>Sniffed from the first bytes, not taken from the client.</summary>
    public required string ContentType { get; set; }

    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public DateTime UploadedAt { get; set; }
    public string? UploadedBy { get; set; }

    /// <summary>Staff, PublicForm or Email.</summary>
    public required string Source { get; set; }
}

/// <summary>The bytes of an attachment, in their own table so that lists never load them.</summary>
public sealed class AttachmentContent
{
    public Guid Id { get; set; }
    public required byte[] Bytes { get; set; }
}

/// <summary>Upload limits (<c>Kefu:Attachments:*</c>).</summary>
public sealed class AttachmentOptions
{
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
    public int MaxFilesPerUpload { get; set; } = 5;
    public int MaxFilesPerComplaint { get; set; } = 30;
}

public static class Attachments
{
    /// <summary>An uploaded file before it is checked.</summary>
    public sealed record Upload(string FileName, long Length, Func<Stream> Open);

    /// <summary>
    /// The content type from the file's first bytes; null when it is none of the accepted kinds (JPEG, PNG, GIF,
    /// WebP, PDF). A renamed executable stays refused whatever its name or declared type.
    /// </summary>
    public static string? Sniff(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => "application/pdf",
        _ => null,
    };

    /// <summary>Keeps letters (any script), digits and . _ - of a file name; caps its length.</summary>
    public static string SafeName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var kept = new string(name.Where(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-').ToArray()).TrimStart('.');
        return kept.Length == 0 ? "file" : kept.Length > 100 ? kept[^100..] : kept;
    }

    /// <summary>Checks every file (size, count, type) before anything is stored; returns the rows to add.</summary>
    public static async Task<List<(ComplaintAttachment Row, AttachmentContent Content)>> ReadAsync(
        IReadOnlyList<Upload> uploads, Guid complaintId, int existing, string source, string? by, AttachmentOptions options, DateTime now, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (uploads.Count == 0)
        {
            errors.Add("files", "at least one file is required");
        }

        if (uploads.Count > options.MaxFilesPerUpload)
        {
            errors.Add("files", $"at most {options.MaxFilesPerUpload} files per upload");
        }

        if (existing + uploads.Count > options.MaxFilesPerComplaint)
        {
            errors.Add("files", $"a complaint holds at most {options.MaxFilesPerComplaint} files");
        }

        errors.ThrowIfAny();
        var result = new List<(ComplaintAttachment, AttachmentContent)>();
        for (var i = 0; i < uploads.Count; i++)
        {
            var upload = uploads[i];
            var field = $"files[{i}]";
            if (upload.Length <= 0 || upload.Length > options.MaxBytes)
            {
                errors.Add(field, $"must be between 1 byte and {options.MaxBytes / 1024 / 1024} MB");
                continue;
            }

            using var buffer = new MemoryStream();
            await using (var stream = upload.Open())
            {
                await stream.CopyToAsync(buffer, cancellationToken);
            }

            var bytes = buffer.ToArray();
            var type = Sniff(bytes);
            if (type is null)
            {
                errors.Add(field, "must be an image (JPEG, PNG, GIF, WebP) or a PDF, judged by the file's content");
                continue;
            }

            var id = Ids.New();
            result.Add((new ComplaintAttachment
            {
                Id = id,
                ComplaintId = complaintId,
                FileName = SafeName(upload.FileName),
                ContentType = type,
                Size = bytes.LongLength,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                UploadedAt = now,
                UploadedBy = by,
                Source = source,
            }, new AttachmentContent { Id = id, Bytes = bytes }));
        }

        errors.ThrowIfAny();
        return result;
    }

    public static async Task<List<ComplaintAttachment>> AddAsync(KefuDbContext db, Guid id, IReadOnlyList<Upload> uploads, Actor actor, AttachmentOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        var existing = await db.Set<ComplaintAttachment>().CountAsync(a => a.ComplaintId == id, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var files = await ReadAsync(uploads, id, existing, "Staff", actor.DisplayName ?? actor.Name, options, now, cancellationToken);
        foreach (var (row, content) in files)
        {
            db.Add(row);
            db.Add(content);
        }

        complaint.Record("evidence", "上传凭证：" + string.Join("、", files.Select(f => f.Row.FileName)), actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return files.Select(f => f.Row).ToList();
    }
}

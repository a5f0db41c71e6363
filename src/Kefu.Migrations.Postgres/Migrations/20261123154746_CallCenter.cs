using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Kefu.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CallCenter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgentPresence",
                columns: table => new
                {
                    UserName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    StateSince = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Skills = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CurrentCallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LastQueueId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CallsAnswered = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentPresence", x => x.UserName);
                    table.ForeignKey(
                        name: "FK_AgentPresence_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CallCallback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    Phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AssignedTo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Queue = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    FaultNoticeId = table.Column<Guid>(type: "uuid", nullable: true),
                    DoneAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DoneBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CancelledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EscalatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallCallback", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CallQueue",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Skill = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Strategy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RingTimeoutSeconds = table.Column<int>(type: "integer", nullable: false),
                    WrapUpSeconds = table.Column<int>(type: "integer", nullable: false),
                    OverflowAfterSeconds = table.Column<int>(type: "integer", nullable: true),
                    OverflowQueueId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CallbackOfferAfterSeconds = table.Column<int>(type: "integer", nullable: true),
                    WaitPrompt = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    SortOrder = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallQueue", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Calls",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    From = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    To = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    HotlineId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    IvrPath = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Queue = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Agent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RingingAgent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OfferedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    IvrAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    QueuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RingingAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AnsweredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WrapUpEndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedBy = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    RingSeconds = table.Column<int>(type: "integer", nullable: true),
                    WaitSeconds = table.Column<int>(type: "integer", nullable: true),
                    TalkSeconds = table.Column<int>(type: "integer", nullable: true),
                    HoldSeconds = table.Column<int>(type: "integer", nullable: false),
                    WrapSeconds = table.Column<int>(type: "integer", nullable: true),
                    RingNoAnswerCount = table.Column<int>(type: "integer", nullable: false),
                    ReachedAgentInTarget = table.Column<bool>(type: "boolean", nullable: true),
                    AnsweredWithinRings = table.Column<bool>(type: "boolean", nullable: true),
                    RecordingUri = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    RecordingSeconds = table.Column<int>(type: "integer", nullable: true),
                    CallbackRequested = table.Column<bool>(type: "boolean", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    ComplaintId = table.Column<Guid>(type: "uuid", nullable: true),
                    SolvedOnFirstContact = table.Column<bool>(type: "boolean", nullable: true),
                    Note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    DispositionBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DispositionAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    IdentityCheck = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    IdentityCheckedWith = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    EmotionalCaller = table.Column<bool>(type: "boolean", nullable: false),
                    AlternativesOffered = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    FaultNoticeId = table.Column<Guid>(type: "uuid", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Calls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CallTransfer",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    CallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Target = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    From = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallTransfer", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CtiCommand",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Queue = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Agents = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Prompt = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Options = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    OfferCallback = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CtiCommand", x => x.Seq);
                });

            migrationBuilder.CreateTable(
                name: "CtiEvent",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    CallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    From = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    To = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Digit = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    Queue = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Agent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Target = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    By = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Uri = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Seconds = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CtiEvent", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FaultNotice",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CustomerScript = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    SelfServiceAlternative = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    RaisedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RecoveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RecoveredBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FaultNotice", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Hotline",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Greeting = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    MenuJson = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    OpensAt = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    ClosesAt = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    OpenDays = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    AfterHoursPrompt = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    AfterHoursMode = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    InvalidChoicePrompt = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Hotline", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TranscriptSegment",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    CallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Speaker = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    StartSeconds = table.Column<double>(type: "double precision", nullable: false),
                    EndSeconds = table.Column<double>(type: "double precision", nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TranscriptSegment", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgentPresence_UserId",
                table: "AgentPresence",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CallCallback_CallId",
                table: "CallCallback",
                column: "CallId");

            migrationBuilder.CreateIndex(
                name: "IX_CallCallback_DoneAt_CancelledAt_DueAt",
                table: "CallCallback",
                columns: new[] { "DoneAt", "CancelledAt", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CallCallback_FaultNoticeId",
                table: "CallCallback",
                column: "FaultNoticeId");

            migrationBuilder.CreateIndex(
                name: "IX_Calls_Agent_OfferedAt",
                table: "Calls",
                columns: new[] { "Agent", "OfferedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Calls_ComplaintId",
                table: "Calls",
                column: "ComplaintId");

            migrationBuilder.CreateIndex(
                name: "IX_Calls_CustomerId",
                table: "Calls",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_Calls_From_OfferedAt",
                table: "Calls",
                columns: new[] { "From", "OfferedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Calls_OfferedAt",
                table: "Calls",
                column: "OfferedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Calls_Status",
                table: "Calls",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_CallTransfer_CallId",
                table: "CallTransfer",
                column: "CallId");

            migrationBuilder.CreateIndex(
                name: "IX_CtiEvent_CallId",
                table: "CtiEvent",
                column: "CallId");

            migrationBuilder.CreateIndex(
                name: "IX_Hotline_Number",
                table: "Hotline",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TranscriptSegment_CallId_StartSeconds",
                table: "TranscriptSegment",
                columns: new[] { "CallId", "StartSeconds" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgentPresence");

            migrationBuilder.DropTable(
                name: "CallCallback");

            migrationBuilder.DropTable(
                name: "CallQueue");

            migrationBuilder.DropTable(
                name: "Calls");

            migrationBuilder.DropTable(
                name: "CallTransfer");

            migrationBuilder.DropTable(
                name: "CtiCommand");

            migrationBuilder.DropTable(
                name: "CtiEvent");

            migrationBuilder.DropTable(
                name: "FaultNotice");

            migrationBuilder.DropTable(
                name: "Hotline");

            migrationBuilder.DropTable(
                name: "TranscriptSegment");
        }
    }
}

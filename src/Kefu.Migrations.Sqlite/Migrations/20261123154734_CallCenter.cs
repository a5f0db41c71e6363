using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
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
                    UserName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    StateSince = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Skills = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    CurrentCallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastQueueId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CallsAnswered = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AssignedTo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    FaultNoticeId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DoneAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DoneBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CancelledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EscalatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallCallback", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CallQueue",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Skill = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Strategy = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RingTimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    WrapUpSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    OverflowAfterSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    OverflowQueueId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CallbackOfferAfterSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    WaitPrompt = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallQueue", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Calls",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    HotlineId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    IvrPath = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Agent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RingingAgent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OfferedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    IvrAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    QueuedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RingingAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AnsweredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    WrapUpEndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedBy = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    RingSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    WaitSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    TalkSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    HoldSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    WrapSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    RingNoAnswerCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ReachedAgentInTarget = table.Column<bool>(type: "INTEGER", nullable: true),
                    AnsweredWithinRings = table.Column<bool>(type: "INTEGER", nullable: true),
                    RecordingUri = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    RecordingSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    CallbackRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SolvedOnFirstContact = table.Column<bool>(type: "INTEGER", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    DispositionBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DispositionAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    IdentityCheck = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    IdentityCheckedWith = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    EmotionalCaller = table.Column<bool>(type: "INTEGER", nullable: false),
                    AlternativesOffered = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    FaultNoticeId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Calls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CallTransfer",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallTransfer", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CtiCommand",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Agents = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Prompt = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Options = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    OfferCallback = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CtiCommand", x => x.Seq);
                });

            migrationBuilder.CreateTable(
                name: "CtiEvent",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Digit = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Agent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Target = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    By = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Uri = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Seconds = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CtiEvent", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FaultNotice",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CustomerScript = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    SelfServiceAlternative = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RaisedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecoveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RecoveredBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FaultNotice", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Hotline",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Greeting = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    MenuJson = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    OpensAt = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    ClosesAt = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    OpenDays = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    AfterHoursPrompt = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    AfterHoursMode = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    InvalidChoicePrompt = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Hotline", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TranscriptSegment",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Speaker = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    StartSeconds = table.Column<double>(type: "REAL", nullable: false),
                    EndSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
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

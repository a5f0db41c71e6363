using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class QueueRollupsAndComplaintIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CallKpiQueueRollups",
                columns: table => new
                {
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    Queue = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Offered = table.Column<long>(type: "bigint", nullable: false),
                    Answered = table.Column<long>(type: "bigint", nullable: false),
                    Handled = table.Column<long>(type: "bigint", nullable: false),
                    HandleMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    TalkSeconds = table.Column<long>(type: "bigint", nullable: false),
                    HoldSeconds = table.Column<long>(type: "bigint", nullable: false),
                    WrapSeconds = table.Column<long>(type: "bigint", nullable: false),
                    WrappedUp = table.Column<long>(type: "bigint", nullable: false),
                    AnsweredWithinRings = table.Column<long>(type: "bigint", nullable: false),
                    SolvedOnFirstContact = table.Column<long>(type: "bigint", nullable: false),
                    Queued = table.Column<long>(type: "bigint", nullable: false),
                    ReachedAgentInTarget = table.Column<long>(type: "bigint", nullable: false),
                    QueuedUnanswered = table.Column<long>(type: "bigint", nullable: false),
                    AnsweredFromQueue = table.Column<long>(type: "bigint", nullable: false),
                    AnsweredWithinServiceLevel = table.Column<long>(type: "bigint", nullable: false),
                    UnansweredWithinServiceLevel = table.Column<long>(type: "bigint", nullable: false),
                    ShortAbandons = table.Column<long>(type: "bigint", nullable: false),
                    AnswerWaitMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    UnansweredWaitMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    CallbacksRequested = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallKpiQueueRollups", x => new { x.Hour, x.Queue });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Complaints_CreatedAt",
                table: "Complaints",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallKpiQueueRollups");

            migrationBuilder.DropIndex(
                name: "IX_Complaints_CreatedAt",
                table: "Complaints");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
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
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Offered = table.Column<long>(type: "INTEGER", nullable: false),
                    Answered = table.Column<long>(type: "INTEGER", nullable: false),
                    Handled = table.Column<long>(type: "INTEGER", nullable: false),
                    HandleMilliseconds = table.Column<long>(type: "INTEGER", nullable: false),
                    TalkSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    HoldSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    WrapSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    WrappedUp = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredWithinRings = table.Column<long>(type: "INTEGER", nullable: false),
                    SolvedOnFirstContact = table.Column<long>(type: "INTEGER", nullable: false),
                    Queued = table.Column<long>(type: "INTEGER", nullable: false),
                    ReachedAgentInTarget = table.Column<long>(type: "INTEGER", nullable: false),
                    QueuedUnanswered = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredFromQueue = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredWithinServiceLevel = table.Column<long>(type: "INTEGER", nullable: false),
                    UnansweredWithinServiceLevel = table.Column<long>(type: "INTEGER", nullable: false),
                    ShortAbandons = table.Column<long>(type: "INTEGER", nullable: false),
                    AnswerWaitMilliseconds = table.Column<long>(type: "INTEGER", nullable: false),
                    UnansweredWaitMilliseconds = table.Column<long>(type: "INTEGER", nullable: false),
                    CallbacksRequested = table.Column<long>(type: "INTEGER", nullable: false)
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

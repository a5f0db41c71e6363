using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Insights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CallKpiRollups",
                columns: table => new
                {
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Agent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
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
                    table.PrimaryKey("PK_CallKpiRollups", x => new { x.Hour, x.Queue, x.Agent });
                });

            migrationBuilder.CreateTable(
                name: "CallKpiRollupState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Thresholds = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RebuiltAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallKpiRollupState", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KpiTargets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    TargetsJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KpiTargets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CallKpiRollups_Agent_Hour",
                table: "CallKpiRollups",
                columns: new[] { "Agent", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_CallKpiRollups_Queue_Hour",
                table: "CallKpiRollups",
                columns: new[] { "Queue", "Hour" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallKpiRollups");

            migrationBuilder.DropTable(
                name: "CallKpiRollupState");

            migrationBuilder.DropTable(
                name: "KpiTargets");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Postgres.Migrations
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
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    Queue = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Agent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
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
                    table.PrimaryKey("PK_CallKpiRollups", x => new { x.Hour, x.Queue, x.Agent });
                });

            migrationBuilder.CreateTable(
                name: "CallKpiRollupState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Thresholds = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RebuiltAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallKpiRollupState", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KpiTargets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    TargetsJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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

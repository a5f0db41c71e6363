using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Quality : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Evaluation",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Agent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Reviewer = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CriteriaJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ScoresJson = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    RulesUsed = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    AutomaticFindings = table.Column<int>(type: "integer", nullable: false),
                    AutoFail = table.Column<bool>(type: "boolean", nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: false),
                    Comment = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Liability = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    LiabilityEvidence = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AppealText = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AppealedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AppealDecision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    AppealDecidedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AppealDecisionNote = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Evaluation", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QaSampleItem",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Week = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    CallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Agent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Reviewer = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AddedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QaSampleItem", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QaSampleWeek",
                columns: table => new
                {
                    Week = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    DrawnAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DrawnBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Population = table.Column<int>(type: "integer", nullable: false),
                    Drawn = table.Column<int>(type: "integer", nullable: false),
                    Seed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QaSampleWeek", x => x.Week);
                });

            migrationBuilder.CreateTable(
                name: "ScriptRuleVersion",
                columns: table => new
                {
                    RuleId = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Json = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScriptRuleVersion", x => new { x.RuleId, x.Version });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Evaluation_Agent_SubmittedAt",
                table: "Evaluation",
                columns: new[] { "Agent", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Evaluation_CallId_Reviewer",
                table: "Evaluation",
                columns: new[] { "CallId", "Reviewer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QaSampleItem_Reviewer_Week",
                table: "QaSampleItem",
                columns: new[] { "Reviewer", "Week" });

            migrationBuilder.CreateIndex(
                name: "IX_QaSampleItem_Week_CallId",
                table: "QaSampleItem",
                columns: new[] { "Week", "CallId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Evaluation");

            migrationBuilder.DropTable(
                name: "QaSampleItem");

            migrationBuilder.DropTable(
                name: "QaSampleWeek");

            migrationBuilder.DropTable(
                name: "ScriptRuleVersion");
        }
    }
}

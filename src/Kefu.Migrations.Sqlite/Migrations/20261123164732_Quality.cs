using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Agent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reviewer = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CriteriaJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ScoresJson = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    RulesUsed = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    AutomaticFindings = table.Column<int>(type: "INTEGER", nullable: false),
                    AutoFail = table.Column<bool>(type: "INTEGER", nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Liability = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    LiabilityEvidence = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AppealText = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AppealedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AppealDecision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    AppealDecidedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AppealDecisionNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Evaluation", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QaSampleItem",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Week = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Agent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reviewer = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QaSampleItem", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QaSampleWeek",
                columns: table => new
                {
                    Week = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    DrawnAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DrawnBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Population = table.Column<int>(type: "INTEGER", nullable: false),
                    Drawn = table.Column<int>(type: "INTEGER", nullable: false),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QaSampleWeek", x => x.Week);
                });

            migrationBuilder.CreateTable(
                name: "ScriptRuleVersion",
                columns: table => new
                {
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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

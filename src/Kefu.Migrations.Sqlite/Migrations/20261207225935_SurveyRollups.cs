using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SurveyRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CallSurveyRollups",
                columns: table => new
                {
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Agent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Rated1 = table.Column<long>(type: "INTEGER", nullable: false),
                    Rated2 = table.Column<long>(type: "INTEGER", nullable: false),
                    Rated3 = table.Column<long>(type: "INTEGER", nullable: false),
                    Rated4 = table.Column<long>(type: "INTEGER", nullable: false),
                    Rated5 = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallSurveyRollups", x => new { x.Hour, x.Queue, x.Agent });
                });

            migrationBuilder.CreateIndex(
                name: "IX_CallSurveyRollups_Agent_Hour",
                table: "CallSurveyRollups",
                columns: new[] { "Agent", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_CallSurveyRollups_Queue_Hour",
                table: "CallSurveyRollups",
                columns: new[] { "Queue", "Hour" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallSurveyRollups");
        }
    }
}

package codelab.edge.project;

import codelab.edge.Paging;
import codelab.project.Project;
import java.time.Instant;
import java.util.List;

/** The project bodies of the REST contract, written by the one snake_case mapper ({@code WireJson}). */
final class ProjectJson {

  private ProjectJson() {}

  record ProjectBody(String id, String name, String description, int sessionCount, Instant createdAt, Instant updatedAt) {
    static ProjectBody of(Project.Summary p) {
      return new ProjectBody(p.projectId(), p.name(), p.description(), p.sessionCount(), p.createdAt(), p.updatedAt());
    }
  }

  record ProjectPage(List<ProjectBody> projects, int total, int limit, int offset) {
    static ProjectPage of(List<Project.Summary> projects, int total, Paging paging) {
      return new ProjectPage(projects.stream().map(ProjectBody::of).toList(), total, paging.limit(), paging.offset());
    }
  }
}

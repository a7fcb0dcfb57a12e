import { GateAction } from '@sendgate/domain';
import { ProjectEmailDefaults, ProjectEntity } from '../entities/project.entity';
import { Sql } from '../sql';

/** Projects of an account; every read but the workflow's by-id one is scoped to the account. */
export class ProjectsRepository {
  constructor(private readonly sql: Sql) {}

  private get rows() {
    return this.sql.dataSource.getRepository(ProjectEntity);
  }

  async insert(project: { id: string; accountId: string; name: string }): Promise<void> {
    await this.rows.insert(project);
  }

  async nameTaken(accountId: string, name: string): Promise<boolean> {
    return this.rows.existsBy({ accountId, name });
  }

  async find(accountId: string, id: string): Promise<ProjectEntity | undefined> {
    return (await this.rows.findOneBy({ id, accountId })) ?? undefined;
  }

  /** Any account's project, for the workflow's activities. */
  async findById(id: string): Promise<ProjectEntity | undefined> {
    return (await this.rows.findOneBy({ id })) ?? undefined;
  }

  async setGateActions(accountId: string, id: string, actions: GateAction[]): Promise<void> {
    await this.rows.update({ id, accountId }, { gateActions: actions });
  }

  async setEmailDefaults(accountId: string, id: string, defaults: ProjectEmailDefaults): Promise<void> {
    await this.rows.update({ id, accountId }, { emailDefaults: defaults });
  }
}

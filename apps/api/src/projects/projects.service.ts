import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectEntity } from '@sendgate/database';
import { notFound } from '../common/not-found';

@Injectable()
export class ProjectsService {
  constructor(private readonly dataSource: DataSource) {}

  private get projects() {
    return this.dataSource.getRepository(ProjectEntity);
  }

  async create(accountId: string, name: string): Promise<ProjectEntity> {
    if (await this.projects.existsBy({ accountId, name })) {
      throw new ConflictException({ statusCode: 409, error: 'Conflict', message: `a project named ${JSON.stringify(name)} already exists`, field: 'name' });
    }
    const project = { id: randomUUID(), accountId, name };
    await this.projects.insert(project);
    return this.get(accountId, project.id);
  }

  async get(accountId: string, id: string, field?: string): Promise<ProjectEntity> {
    const project = await this.projects.findOneBy({ id, accountId });
    if (!project) throw notFound('project', id, field);
    return project;
  }
}
